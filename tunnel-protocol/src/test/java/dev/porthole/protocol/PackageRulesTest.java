package dev.porthole.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.mux.ChannelTransport;
import dev.porthole.protocol.mux.WebSocketTransport;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.UdpSocket;
import org.junit.jupiter.api.Test;

/**
 * How the protocol library's packages stand on each other and on Vert.x, checked so that it stays
 * that way.
 */
class PackageRulesTest {

    private static final JavaClasses PROTOCOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.porthole.protocol");

    /**
     * buffer, frame, message, mux, relay, ... each builds on the ones below it, so each can be read
     * and changed knowing what it stands on. A cycle once ran frame -> relay -> mux -> frame.
     */
    @Test
    void thePackagesOfTheProtocolLibraryFormNoCycle() {
        slices().matching("dev.porthole.protocol.(*)..")
                .should()
                .beFreeOfCycles()
                .check(PROTOCOL);
    }

    /**
     * Vert.x internals are reached by five classes only, each for what Vert.x 4.5 has no public API
     * for: the reference-counted buffer under a {@code Buffer} ({@code Ownership}), the Netty channel
     * under a WebSocket for whole-frame reads and gathered writes ({@code WebSocketTransport}) or taken
     * from Vert.x once upgraded, with the context frames are handed over on ({@code ChannelTransport}), the
     * channel under a socket for half-close and pooled reads ({@code HalfCloseSocket}), and a
     * context's event loop for UDP sockets that read many datagrams a turn ({@code UdpSocket}).
     * Everything else uses the public API.
     */
    @Test
    void onlyFiveNamedClassesReachIntoVertxInternals() {
        noClasses()
                .that()
                .doNotBelongToAnyOf(
                        Ownership.class,
                        WebSocketTransport.class,
                        ChannelTransport.class,
                        HalfCloseSocket.class,
                        UdpSocket.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertx..impl..", "io.vertx.core.internal..")
                .check(PROTOCOL);
    }
}
