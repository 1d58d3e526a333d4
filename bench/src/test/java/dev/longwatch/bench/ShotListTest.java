package dev.longwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShotListTest {
    @Test
    void shouldReadCutsInMillisecondsAndSingleShotClips() {
        ShotList list = ShotList.parse(List.of("# comment", "", "a.mp4\t1.37 5.37", "b.mp4\t-"));

        assertThat(list.cutsMs("a.mp4")).contains(List.of(1_370L, 5_370L));
        assertThat(list.cutsMs("b.mp4")).contains(List.of());
        assertThat(list.cutsMs("c.mp4")).isEmpty();
    }

    @Test
    void shouldRejectCutsOutOfOrderOrAMissingTab() {
        assertThatThrownBy(() -> ShotList.parse(List.of("a.mp4\t5 1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("increasing");
        assertThatThrownBy(() -> ShotList.parse(List.of("a.mp4 1 2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FILE<TAB>CUTS");
    }

    @Test
    void shouldListEverySharedClip() throws Exception {
        Path videos = Path.of(System.getProperty("longwatch.shared", "../shared"), "data", "video");
        ShotList list = ShotList.sharedClips();
        try (Stream<Path> files = Files.list(videos)) {
            List<String> clips = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".mp4")).toList();
            assertThat(clips).isNotEmpty();
            for (String clip : clips) {
                assertThat(list.cutsMs(clip)).as("%s has recorded shots", clip).isPresent();
            }
        }
    }
}
