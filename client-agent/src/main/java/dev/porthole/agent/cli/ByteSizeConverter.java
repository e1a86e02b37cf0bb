package dev.porthole.agent.cli;

import io.quarkus.runtime.configuration.MemorySizeConverter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads sizes written as {@code 65536}, {@code 64K}, {@code 32M} or {@code 1G} (binary units), as bytes. */
public final class ByteSizeConverter implements ITypeConverter<Long> {

    private static final MemorySizeConverter SIZES = new MemorySizeConverter();

    @Override
    public Long convert(String value) {
        try {
            return SIZES.convert(value.trim()).asLongValue();
        } catch (RuntimeException e) {
            throw new TypeConversionException("'" + value + "' is not a size; write it like 65536, 64K, 32M or 1G");
        }
    }
}
