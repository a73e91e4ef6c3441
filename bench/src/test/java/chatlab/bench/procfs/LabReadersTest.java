package chatlab.bench.procfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the labs read from a JVM and from the kernel, parsed from real samples. */
class LabReadersTest {

    private static List<String> sample(String name) throws IOException {
        try (InputStream in = LabReadersTest.class.getResourceAsStream("/procfs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void aClassHistogramGivesInstancesAndBytesPerClassUnderJavaNames() throws Exception {
        ClassHistogram h = ClassHistogram.parse(sample("class-histogram.txt"));
        assertEquals(3_712_192, h.bytes());
        assertEquals(58_640, h.instances());
        assertEquals(new ClassHistogram.Entry("byte[]", 13_178, 1_590_024), h.classes().get(0));
        assertEquals(new ClassHistogram.Entry("java.lang.Object[]", 1_843, 180_664), h.classes().get(4));
        assertTrue(h.classes().contains(new ClassHistogram.Entry("chatlab.protocol.chat.ChatSession", 2_000, 64_000)), "a class with no module");
        assertTrue(h.classes().contains(new ClassHistogram.Entry("chatlab.protocol.chat.ChatMember[]", 2_000, 112_000)));
        assertEquals("char[][]", ClassHistogram.javaName("[[C"));
        assertTrue(ClassHistogram.parse(List.of("12345:", "Command not found")).classes().isEmpty());
    }

    @Test
    void nativeMemoryTrackingGivesReservedBesideCommitted() throws Exception {
        Map<String, Long> nmt = NativeMemory.parse(sample("nmt-summary.txt"));
        assertEquals(18_491L * 1024, nmt.get(NativeMemory.RESERVED_PREFIX + "Thread"), "stacks reserved whole");
        assertEquals(899L * 1024, nmt.get(NativeMemory.PREFIX + "Thread"), "committed as far as touched");
        assertEquals(1_704_243L * 1024, nmt.get(NativeMemory.RESERVED_PREFIX + "Total"));
    }

    @Test
    void ssGivesEachSocketsQueuesAndWhatItsPeerAcknowledged() {
        List<TcpQueues.Socket> sockets = TcpQueues.parseSs(List.of(
                "ESTAB 0      3929088 [::ffff:127.0.0.1]:40001 [::ffff:127.0.0.1]:51000",
                "\t cubic wscale:7,7 rto:204 mss:32768 bytes_sent:5000000 bytes_acked:1210000 bytes_received:300 segs_out:90",
                "ESTAB 131072 0     [::ffff:127.0.0.1]:51000 [::ffff:127.0.0.1]:40001",
                "\t cubic wscale:7,7 rto:204 mss:32768 bytes_received:1210000 segs_out:9",
                "0      0               127.0.0.1:40001          127.0.0.2:37689"));
        assertEquals(3, sockets.size(), "with and without the state column");
        TcpQueues.Socket server = TcpQueues.find(sockets, 40001, 51000);
        assertEquals(3_929_088, server.sendQueue());
        assertEquals(1_210_000 + 3_929_088, server.written());
        TcpQueues.Socket client = TcpQueues.find(sockets, 51000, 40001);
        assertEquals(131_072, client.receiveQueue());
        assertEquals(0, client.bytesAcked(), "ss leaves out a count of 0");
        assertEquals(3_929_088 + 131_072, TcpQueues.between(sockets, 40001, 51000), "the server's send queue and the client's receive queue");
        assertEquals(-1, TcpQueues.between(sockets, 40001, 9), "no such connection");
        assertNull(TcpQueues.find(sockets, 1, 2));
    }

    @Test
    void procNetTcpGivesQueuesInHexAndNoAcknowledgedCount() {
        List<TcpQueues.Socket> sockets = TcpQueues.parse(List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:9C41 0100007F:C738 01 003BF400:00000000 01:00000014 00000000     0        0 1234 1",
                "   1: 0000000000000000FFFF00000100007F:C738 0000000000000000FFFF00000100007F:9C41 01 00000000:00020000 00:00000000 00000000     0        0 1235 1"));
        assertEquals(2, sockets.size());
        assertEquals(new TcpQueues.Socket(0x9C41, 0xC738, 0x3BF400, 0, -1), sockets.get(0));
        assertEquals(new TcpQueues.Socket(0xC738, 0x9C41, 0, 0x20000, -1), sockets.get(1), "an IPv6 line, v4-mapped");
        assertEquals(-1, sockets.get(0).written());
    }
}
