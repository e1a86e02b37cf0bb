package dev.porthole.auth.console;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * The console's live pages over websockets-next: {@code /console/live/sessions} and
 * {@code /console/live/events?type=..&after=..}. Only a logged-in operator's page gets here
 * ({@link LiveUpgradeCheck}); what is sent, and how much may wait, is {@link LiveFeeds}'s.
 */
@WebSocket(path = ConsoleGate.ROOT + "/live/{page}")
public class ConsoleLive {

    private final LiveFeeds feeds;

    public ConsoleLive(LiveFeeds feeds) {
        this.feeds = feeds;
    }

    @OnOpen
    public void open(WebSocketConnection connection) {
        feeds.open(connection);
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        feeds.close(connection);
    }
}
