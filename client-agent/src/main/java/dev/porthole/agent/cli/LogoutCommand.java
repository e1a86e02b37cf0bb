package dev.porthole.agent.cli;

import dev.porthole.agent.login.CredentialStore;
import dev.porthole.agent.tunnel.AgentExit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code porthole logout}: deletes the saved login. */
@Command(
        name = "logout",
        mixinStandardHelpOptions = true,
        description = "Delete the credentials saved by 'porthole login'.")
public class LogoutCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        CredentialStore store = CredentialStore.forUser();
        System.err.println(store.delete() ? "deleted " + store.file() : "no saved login at " + store.file());
        return AgentExit.NORMAL;
    }
}
