package dev.porthole.protocol;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The protocol library's packages depend on each other without a cycle (buffer, frame, message,
 * mux, relay, ... each builds on the ones below it), so each can be read and changed knowing what
 * it stands on. A cycle once ran frame -> relay -> mux -> frame.
 */
class PackageCyclesTest {

    private static final JavaClasses PROTOCOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.porthole.protocol");

    @Test
    void thePackagesOfTheProtocolLibraryFormNoCycle() {
        slices().matching("dev.porthole.protocol.(*)..").should().beFreeOfCycles().check(PROTOCOL);
    }
}
