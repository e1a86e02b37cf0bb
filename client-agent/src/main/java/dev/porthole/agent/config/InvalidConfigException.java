package dev.porthole.agent.config;

import java.util.List;

/** porthole.yml could not be used; carries every mistake found, not only the first. */
public final class InvalidConfigException extends Exception {

    private final String file;
    private final List<ConfigProblem> problems;

    public InvalidConfigException(String file, List<ConfigProblem> problems) {
        super(problems.size() + " mistake" + (problems.size() == 1 ? "" : "s") + " in " + file);
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** One line per mistake, {@code file:line: key: message}. */
    public List<String> lines() {
        return problems.stream().map(problem -> problem.describe(file)).toList();
    }
}
