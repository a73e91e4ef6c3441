package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.Implementation;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's model selection fails on a typo instead of running nothing, and the one list matches the providers. */
class ModelsTest {

    @Test
    void aTypoIsAnErrorThatNamesTheValidModels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.selected("evented,evnted", Implementation.ids()));
        assertTrue(e.getMessage().contains("'evnted'") && e.getMessage().contains("threaded-virtual"), e.getMessage());
    }

    @Test
    void aSelectionKeepsTheListsOrder() {
        assertEquals(List.of("evented", "jetty"), Models.selected(" jetty, evented ", Implementation.ids()));
        assertEquals(List.of(), Models.selected("jetty", Implementation.coreIds()), "a peer alone selects no core model");
        assertEquals(Implementation.ids(), Models.selected("", Implementation.ids()));
    }

    @Test
    void everyImplementationHasAProviderAndNoProviderIsUnlisted() {
        assertEquals(new HashSet<>(Implementation.ids()), new HashSet<>(ChatServers.models()));
    }
}
