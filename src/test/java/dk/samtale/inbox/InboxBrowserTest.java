package dk.samtale.inbox;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.restassured.RestAssured;

import dk.samtale.testing.Api;
import dk.samtale.testing.FakeStaffIdp;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * The staff inbox in a real headless Chromium, against the running service: a caseworker signs in
 * through the (fake) staff IdP with authorization code + PKCE, and answers citizens whose side is
 * driven through the WebSocket API in the same test. Writes the README's screenshots.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InboxBrowserTest {

    static final String UNIT = "00000000-0000-7000-8000-0000000000a9";
    static final String TOKEN_PATH = FakeStaffIdp.REALM + "/protocol/openid-connect/token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ChromeDriver driver;
    private static String sofieConversation;

    @Inject
    OpenConnections sockets;

    static String caseworker() {
        return Tokens.staff("testby", "birgit", "Birgit Bruun", "unit-inbox");
    }

    static String colleague() {
        return Tokens.staff("testby", "carl", "Carl Krog", "unit-inbox");
    }

    static String citizen(String cpr, String name) {
        return Tokens.citizen("testby", cpr, name);
    }

    static final String SOFIE = "1203981234";
    static final String MADS = "2207991234";

    @AfterAll
    static void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    @Order(1)
    void signsInThroughTheStaffIdentityProviderWithPkce() throws Exception {
        FakeStaffIdp.server().stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=authorization_code"))
                .willReturn(okJson("{\"access_token\":\"" + caseworker() + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":3600,\"refresh_token\":\"refresh-1\"}")
                        .withHeader("Access-Control-Allow-Origin", "*")));
        // two conversations waiting in the unit before the caseworker signs in
        sofieConversation = open(citizen(SOFIE, "Sofie Holm"), "Praktik hos Varde Cykler");
        World.send(citizen(SOFIE, "Sofie Holm"), sofieConversation, "Hej! Jeg har fået en praktikplads");
        String mads = open(citizen(MADS, "Mads Lund"), "Spørgsmål om uddannelseshjælp");
        World.send(citizen(MADS, "Mads Lund"), mads, "Hvornår bliver min ydelse udbetalt?");

        driver = Chromium.start();
        driver.get(base() + "/inbox/");
        until(d -> d.findElements(By.cssSelector("#sign-in-options button")).size() == 1);
        assertEquals("Log ind", driver.findElement(By.id("sign-in-title")).getText());
        driver.findElement(By.cssSelector("#sign-in-options button")).click();
        until(d -> d.findElement(By.id("app")).isDisplayed());
        until(d -> "open".equals(connection()));

        // PKCE: the verifier sent to the token endpoint hashes to the challenge sent to the IdP
        LoggedRequest authorize = last(FakeStaffIdp.server().findAll(
                getRequestedFor(urlPathEqualTo(FakeStaffIdp.REALM + "/protocol/openid-connect/auth"))));
        assertEquals("S256", authorize.queryParameter("code_challenge_method").firstValue());
        assertEquals(FakeStaffIdp.CLIENT_ID, authorize.queryParameter("client_id").firstValue());
        assertEquals("code", authorize.queryParameter("response_type").firstValue());
        Map<String, String> form = form(last(FakeStaffIdp.server().findAll(postRequestedFor(urlPathEqualTo(
                TOKEN_PATH)))).getBodyAsString());
        String verifier = form.get("code_verifier");
        assertTrue(verifier.length() >= 43, "verifier of 43..128 characters");
        assertEquals(authorize.queryParameter("code_challenge").firstValue(), Base64.getUrlEncoder()
                .withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(
                        verifier.getBytes(StandardCharsets.US_ASCII))));
        assertEquals(base() + "/inbox/", form.get("redirect_uri"));
        // the code is gone from the URL, and the token is in no storage
        assertFalse(driver.getCurrentUrl().contains("code="), driver.getCurrentUrl());
        String storage = (String) js("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
                + " + document.cookie");
        assertFalse(storage.contains("eyJ"), "no token in web storage or cookies: " + storage);
        assertTrue(driver.findElement(By.id("who")).getText().contains("Birgit Bruun"));
    }

    @Test
    @Order(2)
    void answersACitizenLiveWithTemplatesNotesAndReadState() throws Exception {
        view("all");
        until(d -> conversationButton(sofieConversation).isPresent());
        String inboxText = driver.findElement(By.id("conversation-list")).getText();
        assertTrue(inboxText.contains("Sofie Holm") && inboxText.contains("Mads Lund"), inboxText);
        assertTrue(inboxText.indexOf("Mads Lund") < inboxText.indexOf("Sofie Holm"), "newest activity first");
        assertTrue(inboxText.contains("1 ulæste"), inboxText);
        accessible("inbox");
        screenshot("inbox");

        conversationButton(sofieConversation).get().click();
        until(d -> messageBodies().contains("Hej! Jeg har fået en praktikplads"));

        try (WsClient sofie = WsClient.connect(citizen(SOFIE, "Sofie Holm"));
                WsClient carl = WsClient.connect(colleague())) {
            // a citizen's message arrives live, and so does their typing
            sofie.send(Map.of("type", "typing", "conversationId", sofieConversation));
            until(d -> d.findElement(By.id("typing")).getText().contains("Sofie Holm skriver"));
            sofie.send(Map.of("type", "send", "conversationId", sofieConversation, "clientMessageId", "sofie-2",
                    "body", "Jeg starter på mandag. Skal jeg gøre noget?"));
            until(d -> messageBodies().contains("Jeg starter på mandag. Skal jeg gøre noget?"));

            // Enter sends, Shift+Enter makes a new line
            WebElement input = driver.findElement(By.id("message-input"));
            input.sendKeys("Tillykke, Sofie!");
            input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            input.sendKeys("Husk at sende os din praktikaftale.");
            input.sendKeys(Keys.ENTER);
            JsonNode reply = sofie.await(f -> f.path("type").asText().equals("message")
                    && f.path("message").path("sender").path("kind").asText().equals("staff"), "reply")
                    .path("message");
            assertEquals("Tillykke, Sofie!\nHusk at sende os din praktikaftale.", reply.path("body").asText());
            long seq = reply.path("seq").asLong();
            until(d -> stateOf(seq).equals("sent"));

            // read state follows the citizen's receipts
            sofie.send(Map.of("type", "delivered", "conversationId", sofieConversation, "seq", seq));
            until(d -> stateOf(seq).equals("delivered"));
            sofie.send(Map.of("type", "read", "conversationId", sofieConversation, "seq", seq));
            until(d -> stateOf(seq).equals("read"));

            // "not sensitive – may go by SMS": the checkbox marks the next message smsAllowed, then clears
            driver.findElement(By.id("sms-allowed")).click();
            driver.findElement(By.id("message-input")).sendKeys("Vi ses i morgen kl. 10.", Keys.ENTER);
            long plainSeq = sofie.await(f -> f.path("type").asText().equals("message")
                    && f.path("message").path("body").asText().equals("Vi ses i morgen kl. 10."), "sms-allowed reply")
                    .path("message").path("seq").asLong();
            List<Boolean> smsAllowed = Api.as(caseworker())
                    .get("/api/v1/conversations/" + sofieConversation + "/messages?after=" + (plainSeq - 1)
                            + "&limit=1")
                    .then().statusCode(200).extract().path("items.smsAllowed");
            assertEquals(List.of(true), smsAllowed);
            assertFalse(driver.findElement(By.id("sms-allowed")).isSelected(), "the mark is for one message only");

            // a new conversation and its first message appear in the list without a reload
            String lea = open(citizen("0505051234", "Lea Lind"), "Hjælp til CV");
            until(d -> conversationButton(lea).isPresent());
            World.send(citizen("0505051234", "Lea Lind"), lea, "Kan I kigge på mit CV?");
            until(d -> conversationButton(lea).get().getText().contains("1 ulæste"));
            assertTrue(driver.findElement(By.id("conversation-list")).getText().startsWith("Lea Lind"),
                    "newest activity first");

            // a template, made in the inbox and sent from the composer
            driver.findElement(By.cssSelector("#templates-admin summary")).click();
            driver.findElement(By.id("template-title")).sendKeys("Mødetid");
            driver.findElement(By.id("template-body")).sendKeys("Vi ses på jobcentret torsdag kl. 10.");
            driver.findElement(By.cssSelector("#template-form button[type=submit]")).click();
            until(d -> d.findElement(By.id("template-select")).getText().contains("Mødetid"));
            new Select(driver.findElement(By.id("template-select"))).selectByVisibleText("Mødetid");
            assertEquals("Vi ses på jobcentret torsdag kl. 10.",
                    driver.findElement(By.id("message-input")).getDomProperty("value"));
            driver.findElement(By.id("message-input")).sendKeys(Keys.ENTER);
            assertEquals("Vi ses på jobcentret torsdag kl. 10.", sofie.await("message").path("message")
                    .path("body").asText());

            // an internal note: the colleague's socket gets it, the citizen never does
            driver.findElement(By.id("note-input")).sendKeys("Ring til UU-vejlederen om praktikken");
            driver.findElement(By.cssSelector("#note-form button[type=submit]")).click();
            until(d -> d.findElement(By.id("notes")).getText().contains("Ring til UU-vejlederen om praktikken"));
            JsonNode note = carl.await("note").path("note");
            assertEquals("Ring til UU-vejlederen om praktikken", note.path("body").asText());
            assertEquals(sofieConversation, note.path("conversationId").asText());
            sofie.assertNoFrame(Duration.ofSeconds(1), "note");
            for (JsonNode f : sofie.drain()) {
                assertFalse(f.toString().contains("UU-vejlederen"), "the citizen got the note: " + f);
            }
            Api.as(citizen(SOFIE, "Sofie Holm")).get("/api/v1/conversations/" + sofieConversation + "/notes")
                    .then().statusCode(403);
            List<String> citizenSees = Api.as(citizen(SOFIE, "Sofie Holm"))
                    .get("/api/v1/conversations/" + sofieConversation + "/messages").then().statusCode(200)
                    .extract().path("items.body");
            assertFalse(citizenSees.toString().contains("UU-vejlederen"), citizenSees.toString());

            sofie.send(Map.of("type", "typing", "conversationId", sofieConversation));
            until(d -> d.findElement(By.id("typing")).getText().contains("skriver"));
            accessible("conversation");
            js("document.getElementById('templates-admin').open = false; window.scrollTo(0, 0);"
                    + " document.getElementById('messages').scrollTop = 1e6;");
            screenshot("conversation");

            // the case reference (the journal's PUT .../case) from the conversation view
            driver.findElement(By.id("case-number")).sendKeys("2026-004217");
            driver.findElement(By.id("kle-class")).sendKeys("15.17.06");
            driver.findElement(By.id("action-facet")).sendKeys("G01");
            driver.findElement(By.cssSelector("#case-form button[type=submit]")).click();
            until(d -> "2026-004217".equals(Api.as(caseworker()).get("/api/v1/conversations/" + sofieConversation)
                    .then().statusCode(200).extract().path("caseNumber")));
            assertEquals("G01", Api.as(caseworker()).get("/api/v1/conversations/" + sofieConversation).then()
                    .extract().path("actionFacet"));
            // journal state of the messages, live from journal-state frames
            until(d -> driver.findElement(By.id("messages")).getText().contains("Journaliseret"));

            // assign to me, then close; the colleague's inbox hears about both
            driver.findElement(By.id("assign-me")).click();
            until(d -> d.findElement(By.id("conversation-meta")).getText().contains("Tildelt: Birgit Bruun"));
            assertEquals("Birgit Bruun", carl.await(f -> f.path("type").asText().equals("conversation")
                    && !f.path("conversation").path("assignee").isNull(), "assigned").path("conversation")
                    .path("assignee").path("name").asText());
            driver.findElement(By.id("close-button")).click();
            until(d -> d.findElement(By.id("reopen-button")).isDisplayed());
            assertEquals("closed", Api.as(caseworker()).get("/api/v1/conversations/" + sofieConversation).then()
                    .statusCode(200).extract().path("status"));
            view("closed");
            until(d -> conversationButton(sofieConversation).isPresent());
        }
    }

    @Test
    @Order(3)
    void resumesAfterTheServerDropsTheSocketWithNothingMissedOrDoubled() {
        String conversation = open(citizen(MADS, "Mads Lund"), "Kørekort og aktivering");
        view("all");
        until(d -> conversationButton(conversation).isPresent());
        conversationButton(conversation).get().click();
        until(d -> driver.findElement(By.id("conversation-title")).getText().contains("Kørekort"));
        js("window.__states = []; new MutationObserver(() => window.__states.push(document.body.dataset.connection))"
                + ".observe(document.body, {attributes: true, attributeFilter: ['data-connection']});");

        // the server drops the browser's socket (the citizen's app uses the Authorization header instead)
        int dropped = 0;
        for (WebSocketConnection c : sockets.listAll()) {
            if (c.handshakeRequest().header("Sec-WebSocket-Protocol") != null) {
                c.close(new CloseReason(1011, "dropped by the test")).await().indefinitely();
                dropped++;
            }
        }
        assertTrue(dropped >= 1, "the browser's socket was open");
        // while it is gone: the citizen writes twice, the caseworker once
        World.send(citizen(MADS, "Mads Lund"), conversation, "Er I der?");
        World.send(citizen(MADS, "Mads Lund"), conversation, "Jeg har fået tid til køreprøve.");
        WebElement input = driver.findElement(By.id("message-input"));
        input.sendKeys("Godt gået! Vi taler om aktivering bagefter.");
        input.sendKeys(Keys.ENTER);

        until(d -> "open".equals(connection()) && messageBodies().size() == 3 && pendingCount() == 0);
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) js("return window.__states");
        assertTrue(states.contains("reconnecting"), "a clear reconnecting state was shown: " + states);
        assertEquals(List.of("Er I der?", "Jeg har fået tid til køreprøve.",
                "Godt gået! Vi taler om aktivering bagefter."), messageBodies());
        List<String> seqs = driver.findElements(By.cssSelector("#messages li.msg[data-seq]")).stream()
                .map(e -> e.getDomAttribute("data-seq")).toList();
        assertEquals(List.of("1", "2", "3"), seqs);
        List<String> stored = Api.as(caseworker()).get("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(200).extract().path("items.body");
        assertEquals(3, stored.size(), "the send made while offline was stored exactly once: " + stored);
    }

    @Test
    @Order(4)
    void rendersMarkupInNamesAndMessagesAsText() {
        String name = "<img src=x onerror=\"window.__xss=1\">Ida";
        String body = "<script>window.__xss=2</script><b>fed</b> & \"citat\"";
        String token = citizen("3108001234", name);
        String conversation = open(token, "<i>Hjælp</i>");
        view("all");
        until(d -> conversationButton(conversation).isPresent());
        World.send(token, conversation, body);
        conversationButton(conversation).get().click();
        until(d -> messageBodies().contains(body));
        assertTrue(conversationButton(conversation).get().getText().contains(name));
        assertTrue(driver.findElement(By.id("conversation-title")).getText().contains(name + " – <i>Hjælp</i>"));
        assertNull(js("return window.__xss"));
        assertEquals(0L, js("return document.querySelectorAll('#app img, #app script, #messages b, #app i').length"));
    }

    @Test
    @Order(5)
    void worksWithTheKeyboardAlone() {
        String token = citizen("1501021234", "Noah Berg");
        String conversation = open(token, "Tastatur");
        World.send(token, conversation, "Kan du hjælpe?");
        view("all");
        until(d -> conversationButton(conversation).isPresent());
        js("document.activeElement.blur(); window.scrollTo(0, 0);");
        Actions keys = new Actions(driver);
        String target = "button.conv[data-id='" + conversation + "']";
        boolean reached = false;
        for (int i = 0; i < 80 && !reached; i++) {
            keys.sendKeys(Keys.TAB).perform();
            reached = (Boolean) js("return document.activeElement.matches(arguments[0])", target);
        }
        assertTrue(reached, "the conversation is reachable with Tab");
        keys.sendKeys(Keys.ENTER).perform();
        until(d -> (Boolean) js("return document.activeElement.id === 'message-input'"));
        keys.sendKeys("Ja, ").sendKeys("det kan jeg.").sendKeys(Keys.ENTER).perform();
        until(d -> messageBodies().contains("Ja, det kan jeg."));
        List<String> stored = Api.as(token).get("/api/v1/conversations/" + conversation + "/messages").then()
                .statusCode(200).extract().path("items.body");
        assertEquals(List.of("Kan du hjælpe?", "Ja, det kan jeg."), stored);
        // the view switches are real buttons that say which one is on
        assertEquals("true", driver.findElement(By.cssSelector("[data-view=all]")).getDomAttribute("aria-pressed"));
    }

    @Test
    @Order(6)
    void renewsTheTokenBeforeItExpiresAndReconnectsWithIt() throws IOException {
        String shortLived = Tokens.staffBuilder("testby", "birgit", "Birgit Bruun", "unit-inbox")
                .expiresAt(java.time.Instant.now().plusSeconds(45)).sign("staff-testby");
        String renewed = caseworker();
        FakeStaffIdp.server().stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=authorization_code"))
                .willReturn(okJson("{\"access_token\":\"" + shortLived + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":45,\"refresh_token\":\"refresh-short\"}")
                        .withHeader("Access-Control-Allow-Origin", "*")));
        FakeStaffIdp.server().stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=refresh_token"))
                .withRequestBody(containing("refresh_token=refresh-short"))
                .willReturn(okJson("{\"access_token\":\"" + renewed + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":3600,\"refresh_token\":\"refresh-2\"}")
                        .withHeader("Access-Control-Allow-Origin", "*")));
        String conversation = open(citizen(MADS, "Mads Lund"), "Fornyelse");

        // a fresh page: the token was only in memory, so the caseworker signs in again
        if (driver == null) {
            driver = Chromium.start();
        }
        driver.get(base() + "/inbox/");
        until(d -> d.findElements(By.cssSelector("#sign-in-options button")).size() == 1);
        driver.findElement(By.cssSelector("#sign-in-options button")).click();
        until(d -> "open".equals(connection()));

        // 45 s left is inside the 60 s renewal margin: a refresh at once, and a socket on the new token
        until(d -> FakeStaffIdp.server().findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=refresh_token"))).size() == 1);
        Map<String, String> refresh = form(last(FakeStaffIdp.server().findAll(postRequestedFor(urlPathEqualTo(
                TOKEN_PATH)).withRequestBody(containing("grant_type=refresh_token")))).getBodyAsString());
        assertEquals(FakeStaffIdp.CLIENT_ID, refresh.get("client_id"));
        String signature = renewed.substring(renewed.lastIndexOf('.') + 1);
        try {
            until(d -> browserSockets().stream().anyMatch(a -> a.contains(signature))
                    && "open".equals(connection()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no socket on the renewed token: " + browserSockets().stream()
                    .map(p -> p.length() > 40 ? p.substring(0, 40) + "…" + p.substring(p.length() - 20) : p).toList()
                    + " want …" + signature.substring(signature.length() - 20) + " state " + connection(), e);
        }

        view("all");
        until(d -> conversationButton(conversation).isPresent());
        conversationButton(conversation).get().click();
        until(d -> driver.findElement(By.id("conversation-title")).getText().contains("Fornyelse"));
        World.send(citizen(MADS, "Mads Lund"), conversation, "Virker det stadig?");
        until(d -> messageBodies().contains("Virker det stadig?"));
    }

    /**
     * The Authorization of every browser socket open on the server (the server turns the token from the
     * bearer-token-carrier subprotocol into that header).
     */
    List<String> browserSockets() {
        List<String> list = new ArrayList<>();
        for (WebSocketConnection c : sockets.listAll()) {
            if (c.handshakeRequest().header("Sec-WebSocket-Protocol") != null && c.isOpen()) {
                list.add(String.valueOf(c.handshakeRequest().header("Authorization")));
            }
        }
        return list;
    }

    // ------------------------------------------------------------------ helpers

    static String open(String citizenToken, String subject) {
        return Api.as(citizenToken).body(Map.of("unitId", UNIT, "subject", subject)).post("/api/v1/conversations")
                .then().statusCode(201).extract().path("id");
    }

    static String base() {
        return "http://localhost:" + RestAssured.port;
    }

    static void view(String name) {
        driver.findElement(By.cssSelector("[data-view=" + name + "]")).click();
        until(d -> "true".equals(d.findElement(By.cssSelector("[data-view=" + name + "]")).getDomAttribute(
                "aria-pressed")));
    }

    static java.util.Optional<WebElement> conversationButton(String id) {
        return driver.findElements(By.cssSelector("button.conv[data-id='" + id + "']")).stream().findFirst();
    }

    static List<String> messageBodies() {
        return driver.findElements(By.cssSelector("#messages li.msg[data-seq] .body")).stream()
                .map(e -> e.getDomProperty("textContent")).toList();
    }

    static long pendingCount() {
        return driver.findElements(By.cssSelector("#messages li.pending")).size();
    }

    static String stateOf(long seq) {
        List<WebElement> s = driver.findElements(By.cssSelector("#messages li[data-seq='" + seq + "'] .state"));
        return s.isEmpty() ? "" : s.get(0).getDomAttribute("data-state");
    }

    static String connection() {
        return (String) js("return document.body.dataset.connection || ''");
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    static void until(Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    static Map<String, String> form(String body) {
        Map<String, String> map = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            map.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return map;
    }

    /** Runs axe-core (shipped in com.deque.html.axe-core:selenium) on the page: no serious or critical violation. */
    static void accessible(String what) throws IOException {
        String axe;
        try (InputStream in = InboxBrowserTest.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        js(axe);
        String result = (String) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(JSON.stringify(r.violations)), e => done('error: ' + e));""");
        assertFalse(result.startsWith("error"), result);
        List<String> bad = new ArrayList<>();
        for (JsonNode v : JSON.readTree(result)) {
            String impact = v.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                bad.add(v.path("id").asText() + " (" + impact + "): " + v.path("help").asText() + " at "
                        + v.path("nodes").findValuesAsText("html"));
            }
        }
        assertTrue(bad.isEmpty(), what + " view has accessibility violations: " + bad);
    }

    /** The README's screenshots, rewritten by every run so they show the inbox as it is. */
    static void screenshot(String name) throws IOException {
        Path dir = Path.of("docs", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    static UUID uuid(String s) {
        return UUID.fromString(s);
    }
}
