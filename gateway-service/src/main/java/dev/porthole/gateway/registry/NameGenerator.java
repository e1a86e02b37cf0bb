package dev.porthole.gateway.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Random tunnel names that people can read aloud and that are hard to guess:
 * {@code adjective-noun-xxxxx}, always a valid DNS label of 4 to 63 characters.
 */
@ApplicationScoped
public class NameGenerator {

    private static final List<String> ADJECTIVES = List.of(
            "amber", "bold", "brave", "brisk", "calm", "clever", "cosmic", "crisp", "dapper", "eager", "fancy", "fuzzy",
            "gentle", "giant", "glad", "golden", "happy", "hidden", "jolly", "keen", "lively", "lucky", "mellow",
            "merry", "mighty", "misty", "nimble", "noble", "olive", "plucky", "proud", "quick", "quiet", "rapid",
            "rosy", "royal", "rustic", "shiny", "silent", "silver", "sleek", "smooth", "snowy", "solid", "spry",
            "steady", "sunny", "swift", "tidy", "tiny", "vivid", "warm", "wild", "wise", "witty", "young", "zesty",
            "agile", "azure", "breezy", "cheery", "dusky", "frosty", "humble");
    private static final List<String> NOUNS = List.of(
            "otter",
            "falcon",
            "badger",
            "heron",
            "lynx",
            "panda",
            "koala",
            "walrus",
            "gecko",
            "bison",
            "raven",
            "salmon",
            "tiger",
            "wombat",
            "beaver",
            "coyote",
            "dolphin",
            "ferret",
            "gopher",
            "hedgehog",
            "ibis",
            "jaguar",
            "lemur",
            "marmot",
            "narwhal",
            "ocelot",
            "pelican",
            "quail",
            "robin",
            "seal",
            "toucan",
            "urchin",
            "viper",
            "weasel",
            "yak",
            "zebra",
            "alpaca",
            "bobcat",
            "condor",
            "dingo",
            "egret",
            "finch",
            "gibbon",
            "hyena",
            "impala",
            "jackal",
            "kiwi",
            "llama",
            "magpie",
            "newt",
            "osprey",
            "puffin",
            "rabbit",
            "sparrow",
            "tapir",
            "vole",
            "wren",
            "moose",
            "orca",
            "fox",
            "owl",
            "crane",
            "mole",
            "swan");
    private static final char[] SUFFIX = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private final RandomGenerator random;

    public NameGenerator() {
        this(new SecureRandom());
    }

    NameGenerator(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Whether a name has the shape this generator produces. An agent that reconnects asks for the
     * random name it was given before; such a request is allowed to anyone allowed random names.
     */
    public boolean looksGenerated(String name) {
        String[] parts = name.split("-", -1);
        if (parts.length != 3
                || parts[2].length() != 5
                || !ADJECTIVES.contains(parts[0])
                || !NOUNS.contains(parts[1])) {
            return false;
        }
        for (char c : parts[2].toCharArray()) {
            if (new String(SUFFIX).indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A fresh random name; the caller claims it in the registry and asks again on a collision. */
    public String next() {
        StringBuilder name = new StringBuilder(32)
                .append(ADJECTIVES.get(random.nextInt(ADJECTIVES.size())))
                .append('-')
                .append(NOUNS.get(random.nextInt(NOUNS.size())))
                .append('-');
        for (int i = 0; i < 5; i++) {
            name.append(SUFFIX[random.nextInt(SUFFIX.length)]);
        }
        return name.toString();
    }
}
