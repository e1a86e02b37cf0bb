package dev.porthole.agent.config;

import com.fasterxml.jackson.core.JsonToken;

/** A scalar of porthole.yml as written, with its token (to tell {@code true} from {@code "true"}) and its line. */
record YamlScalar(String text, JsonToken token, int line) {}
