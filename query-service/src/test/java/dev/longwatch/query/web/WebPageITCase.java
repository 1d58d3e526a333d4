package dev.longwatch.query.web;

import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.http.Readiness;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EvidenceSpan;
import dev.longwatch.schema.proto.Frame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in real headless Chromium (Debian's chromium + chromium-driver): it lists the
 * streams and the memory timeline, answers a question with clickable evidence, and shows an
 * event answer arriving over SSE. Writes target/web-page.png. Skips without Chromium.
 */
class WebPageITCase {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Upper bound for the browser to get somewhere; waits poll, they never sleep a fixed time. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir Path stateDir;
    @TempDir Path profile;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private TestViews topics;
    private RunningApi api;
    private WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        topics = new TestViews(stateDir);
        LlmSettings settings = new LlmSettings(Optional.of(llm.baseUrl()), "fake-vlm", "k", Duration.ofSeconds(30), 0);
        api = new RunningApi(topics.views(), topics, Optional.of(new OpenAiChatModel(settings)), Readiness::isReady);
        topics.pipeSpec(spec("cam-1", "/data/video/lobby.mp4"));
        topics.pipeMemory(memory("cam-1", 7, List.of(slot(0, 6000, 6, 0), slot(6000, 12000, 6, 7), slot(12000, 18000, 6, 15))));
        Color[] colors = {new Color(0x3b82f6), new Color(0xf59e0b), new Color(0x10b981)};
        long[] seqs = {0, 7, 15};
        for (int i = 0; i < seqs.length; i++) {
            topics.pipeFrame(Frame.newBuilder().setStreamId("cam-1").setSeq(seqs[i]).setPtsMs(seqs[i] * 1000)
                    .setWidth(160).setHeight(90).setJpeg(ByteString.copyFrom(jpeg(colors[i], "t=" + seqs[i] + "s"))).build());
        }

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (api != null) {
            api.close();
            topics.close();
        }
        llm.close();
    }

    @Test
    void shouldShowStreamsTimelineAnswerWithEvidenceAndLiveEventAnswers() throws Exception {
        llm.reply(FakeOpenAiServer.Reply.completion("A person walks through the lobby [6.0s-12.0s]."));
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);

        // Given the page, it lists the stream and its memory timeline
        browser.get("http://127.0.0.1:" + api.port() + "/");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#streams li[data-id='cam-1']")));
        wait.until(d -> d.findElements(By.cssSelector("#timeline .slot")).size() == 3);
        assertThat(browser.findElement(By.cssSelector("#streams li[data-id='cam-1'] .state")).getText()).isEqualTo("PENDING");
        wait.until(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return [...document.querySelectorAll('#timeline img')].every(i => i.complete && i.naturalWidth > 0)"));

        // When a question is asked, the answer and its evidence come back
        browser.findElement(By.id("question")).sendKeys("Who walks through the lobby?");
        browser.findElement(By.id("ask-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("answer"), "A person walks through the lobby"));
        List<WebElement> evidence = browser.findElements(By.cssSelector("#evidence button"));
        assertThat(evidence).extracting(WebElement::getText).containsExactly("6.0s–12.0s");
        assertThat(FakeOpenAiServer.userParts(llm.requests().get(0)).get(FakeOpenAiServer.userParts(llm.requests().get(0)).size() - 1)
                .path("text").asText()).isEqualTo("Question: Who walks through the lobby?");

        // And clicking the evidence highlights its slot and shows its keyframe
        evidence.get(0).click();
        wait.until(d -> d.findElements(By.cssSelector("#timeline .slot.highlight")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("#timeline .slot.highlight")).getAttribute("data-start")).isEqualTo("6");
        assertThat(browser.findElement(By.id("preview-img")).getAttribute("src")).endsWith("/v1/frames/cam-1/0/7.jpg");

        // When a standing question is set up and matches, the answer appears in the live feed
        browser.findElement(By.id("sub-question")).sendKeys("Tell me when someone enters");
        browser.findElement(By.id("subscribe-button")).click();
        wait.until(d -> d.findElement(By.id("sub-status")).getAttribute("data-subscription-id") != null);
        String id = browser.findElement(By.id("sub-status")).getAttribute("data-subscription-id");
        assertThat(topics.subscriptions().get(id)).hasValueSatisfying(s -> assertThat(s.getQuestion()).isEqualTo("Tell me when someone enters"));
        wait.until(d -> api.answers().listeners(id) > 0);
        api.answers().publish(EventAnswer.newBuilder().setId(id + "@13000").setSubscriptionId(id).setStreamId("cam-1")
                .setAtMs(13_000).setAnswer("Someone enters through the door.")
                .addEvidence(EvidenceSpan.newBuilder().setStartSec(12).setEndSec(18).setKeyframeSeq(15)).build());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#feed li"), "Someone enters through the door."));
        assertThat(browser.findElement(By.cssSelector("#feed li")).getAttribute("data-id")).isEqualTo(id + "@13000");
        assertThat(browser.findElement(By.cssSelector("#feed li strong")).getText()).isEqualTo("cam-1 @ 13.0s");

        Path screenshot = Path.of("target", "web-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(screenshot)).isPositive();
    }

    private static byte[] jpeg(Color color, String label) throws IOException {
        BufferedImage image = new BufferedImage(160, 90, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 160, 90);
        g.setColor(Color.WHITE);
        g.drawString(label, 10, 50);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
