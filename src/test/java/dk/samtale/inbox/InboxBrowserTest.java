package dk.samtale.inbox;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.hamcrest.Matchers.containsString;
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
import dk.samtale.testing.SmsGatewayFake;
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
        // Sofie can be reached by SMS (a verified number, app first): the composer offers "may go by SMS"
        Api.as(caseworker()).body(Map.of("phone", "+4521000001"))
                .put("/api/v1/sms/citizens/" + citizenIdOf(sofieConversation) + "/phone").then().statusCode(200);
        Api.as(caseworker()).body(Map.of("policy", "app-then-sms"))
                .put("/api/v1/conversations/" + sofieConversation + "/channel-policy").then().statusCode(200);
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
        assertTrue(inboxText.contains("1 ulæst"), inboxText);
        accessible("inbox");

        click(() -> conversationButton(sofieConversation).get());
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
            until(d -> conversationButton(lea).get().getText().contains("1 ulæst"));
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
            js("document.getElementById('templates-admin').open = false; window.scrollTo(0, 0);");

            // the case reference (the journal's PUT .../case) from the conversation view, folded away until asked for
            driver.findElement(By.cssSelector("#case-details summary")).click();
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
        click(() -> conversationButton(conversation).get());
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
        click(() -> conversationButton(conversation).get());
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
        click(() -> conversationButton(conversation).get());
        until(d -> driver.findElement(By.id("conversation-title")).getText().contains("Fornyelse"));
        World.send(citizen(MADS, "Mads Lund"), conversation, "Virker det stadig?");
        until(d -> messageBodies().contains("Virker det stadig?"));
    }

    // ------------------------------------------------------------------ issue 19: bugs seen, each reproduced

    /** Signs in through the fake staff IdP on a fresh page, the IdP handing out {@code token}. */
    static void signIn(String token) throws IOException {
        FakeStaffIdp.server().stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=authorization_code"))
                .willReturn(okJson("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":3600,\"refresh_token\":\"refresh-" + UUID.randomUUID() + "\"}")
                        .withHeader("Access-Control-Allow-Origin", "*")));
        if (driver == null) {
            driver = Chromium.start();
        }
        driver.get(base() + "/inbox/");
        until(d -> d.findElements(By.cssSelector("#sign-in-options button")).size() == 1);
        driver.findElement(By.cssSelector("#sign-in-options button")).click();
    }

    static void signedInAsCaseworker() throws IOException {
        signIn(caseworker());
        until(d -> d.findElement(By.id("app")).isDisplayed() && "open".equals(connection()));
    }

    static void openInBrowser(String conversation, String subject) {
        view("all");
        until(d -> conversationButton(conversation).isPresent());
        click(() -> conversationButton(conversation).get());
        until(d -> d.findElement(By.id("conversation-title")).getText().contains(subject));
    }

    /** Clicks an element of the live list, finding it again if a re-render replaced it meanwhile. */
    static void click(java.util.function.Supplier<WebElement> element) {
        until(d -> {
            element.get().click();
            return true;
        });
    }

    static String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    static String citizenIdOf(String conversation) {
        return Api.as(caseworker()).get("/api/v1/conversations/" + conversation).then().statusCode(200).extract()
                .path("citizen.id");
    }

    @Test
    @Order(7)
    void bug1ARejectedSignInSaysSoInsteadOfLeavingThePageUnchanged() throws IOException {
        String expired = Tokens.staffBuilder("testby", "birgit", "Birgit Bruun", "unit-inbox")
                .expiresAt(java.time.Instant.now().minusSeconds(120)).sign("staff-testby");
        signIn(expired);
        until(d -> text("sign-in-text").contains("Log ind mislykkedes"));
        assertTrue(driver.findElement(By.id("sign-in")).isDisplayed());
        assertFalse(driver.findElement(By.id("app")).isDisplayed());
        // and the sign-in button is there to try again
        assertEquals(1, driver.findElements(By.cssSelector("#sign-in-options button")).size());
    }

    @Test
    @Order(8)
    void bug2DeliveredStaysDeliveredAfterOpeningAnotherConversationAndComingBack() throws IOException {
        signedInAsCaseworker();
        String asta = citizen("1111001111", "Asta Ahl");
        String a = open(asta, "Levering A");
        World.send(asta, a, "Hej, er min blanket kommet frem?");
        String b = open(citizen("1111002222", "Bent Bo"), "Levering B");
        try (WsClient astaApp = WsClient.connect(asta)) {
            openInBrowser(a, "Levering A");
            driver.findElement(By.id("message-input")).sendKeys("Ja, den er kommet.", Keys.ENTER);
            long seq = astaApp.await(f -> f.path("type").asText().equals("message")
                    && f.path("message").path("sender").path("kind").asText().equals("staff"), "reply")
                    .path("message").path("seq").asLong();
            astaApp.send(Map.of("type", "delivered", "conversationId", a, "seq", seq));
            until(d -> stateOf(seq).equals("delivered"));
            openInBrowser(b, "Levering B");
            openInBrowser(a, "Levering A");
            until(d -> !stateOf(seq).isEmpty());
            assertEquals("delivered", stateOf(seq), "a delivered message stays delivered when the page reloads it");
        }
    }

    @Test
    @Order(9)
    void bug3TheSmsStateOfANewMessageShowsLiveAndQueuedIsNotShownAsSuccess() throws IOException {
        signedInAsCaseworker();
        String token = citizen("1111003333", "Cille Carl");
        String c = open(token, "Sms-beskeder");
        World.send(token, c, "Jeg har ikke appen på telefonen");
        // the gateway holds this number's SMS (slower than the adapter's timeout): the SMS stays queued
        SmsGatewayFake.server().stubFor(post(urlPathEqualTo("/rest/mtsms"))
                .withRequestBody(containing("4521000003"))
                .willReturn(okJson("{\"ids\":[9100003]}").withFixedDelay(8000)));
        Api.as(caseworker()).body(Map.of("phone", "+4521000003"))
                .put("/api/v1/sms/citizens/" + citizenIdOf(c) + "/phone").then().statusCode(200);
        Api.as(caseworker()).body(Map.of("policy", "sms")).put("/api/v1/conversations/" + c + "/channel-policy")
                .then().statusCode(200);
        openInBrowser(c, "Sms-beskeder");
        until(d -> d.findElement(By.id("sms-allowed-label")).isDisplayed());
        driver.findElement(By.id("sms-allowed")).click();
        driver.findElement(By.id("message-input")).sendKeys("Mødet er flyttet til kl. 11.", Keys.ENTER);
        until(d -> !driver.findElements(By.cssSelector("#messages li.msg[data-seq]")).isEmpty()
                && messageBodies().contains("Mødet er flyttet til kl. 11."));
        WebElement li = last(driver.findElements(By.cssSelector("#messages li.msg[data-seq]")));
        long seq = Long.parseLong(li.getDomAttribute("data-seq"));
        // without reopening the conversation
        until(d -> !smsStateOf(seq).isEmpty());
        String rest = Api.as(caseworker()).get("/api/v1/conversations/" + c + "/messages?after=" + (seq - 1)
                + "&limit=1").then().statusCode(200).extract().path("items[0].smsState");
        assertEquals("queued", rest);
        assertEquals("queued", smsStateOf(seq));
        WebElement label = driver.findElement(By.cssSelector("#messages li[data-seq='" + seq + "'] [data-sms]"));
        assertTrue(label.getText().contains("Sms i kø"), label.getText());
        assertFalse(label.getDomAttribute("class").contains("ok"), "a queued SMS is not shown as a success");
    }

    static String smsStateOf(long seq) {
        List<WebElement> s = driver.findElements(By.cssSelector("#messages li[data-seq='" + seq + "'] [data-sms]"));
        return s.isEmpty() ? "" : s.get(0).getDomAttribute("data-sms");
    }

    @Test
    @Order(10)
    void bug4And7TwoIntervalsADaySurviveTheOfficeHoursPanelAndErrorsAreInDanish() throws IOException {
        Api.as(caseworker()).body(Map.of("timeZone", "Europe/Copenhagen", "weekly", Map.of("mon", List.of(
                Map.of("from", "08:00", "to", "12:00"), Map.of("from", "12:30", "to", "15:30"))), "enabled", false))
                .put("/api/v1/units/" + UNIT + "/office-hours").then().statusCode(200);
        signedInAsCaseworker();
        driver.findElement(By.cssSelector("#hours-admin summary")).click();
        until(d -> mondayTimes().size() == 4);
        assertEquals(List.of("08:00", "12:00", "12:30", "15:30"), mondayTimes());
        driver.findElement(By.cssSelector("#hours-form button[type=submit]")).click();
        until(d -> text("hours-status").contains("gemt"));
        List<Map<String, String>> monday = Api.as(caseworker()).get("/api/v1/units/" + UNIT + "/office-hours")
                .then().statusCode(200).extract().path("weekly.mon");
        assertEquals(2, monday.size(), "saving the panel keeps the afternoon: " + monday);
        assertEquals("12:30", monday.get(1).get("from"));

        // an interval that ends before it starts: said in Danish, and nothing is saved
        js("const t = document.querySelectorAll('#hours-days .day')[0].querySelectorAll('input[type=time]');"
                + " t[0].value = '15:00'; t[1].value = '09:00';");
        driver.findElement(By.cssSelector("#hours-form button[type=submit]")).click();
        until(d -> !text("hours-status").contains("gemt") && !text("hours-status").isEmpty());
        String status = text("hours-status");
        assertTrue(status.contains("mandag") && status.contains("slutte efter"), status);
        assertFalse(status.contains("interval must"), "no technical English: " + status);
        assertEquals("08:00", Api.as(caseworker()).get("/api/v1/units/" + UNIT + "/office-hours").then()
                .extract().path("weekly.mon[0].from"));
    }

    @SuppressWarnings("unchecked")
    static List<String> mondayTimes() {
        return (List<String>) js("const d = document.querySelectorAll('#hours-days .day')[0];"
                + " return d ? [...d.querySelectorAll('input[type=time]')].map(i => i.value) : [];");
    }

    @Test
    @Order(11)
    void bug5TheCaseFormSaysWhatIsWrongAndConfirmsWhatIsSaved() throws IOException {
        signedInAsCaseworker();
        String token = citizen("1111004444", "Dina Dam");
        String c = open(token, "Sagsreference");
        World.send(token, c, "Hej");
        openInBrowser(c, "Sagsreference");
        js("const d = document.getElementById('case-details'); if (d) d.open = true;");
        until(d -> d.findElement(By.id("kle-class")).isDisplayed());
        driver.findElement(By.id("kle-class")).sendKeys("ikke-en-kle-kode!!");
        driver.findElement(By.cssSelector("#case-form button[type=submit]")).click();
        until(d -> !text("case-status").isEmpty());
        assertTrue(text("case-status").contains("KLE"), text("case-status"));
        assertEquals("true", driver.findElement(By.id("kle-class")).getDomAttribute("aria-invalid"));
        driver.findElement(By.id("kle-class")).clear();
        driver.findElement(By.id("kle-class")).sendKeys("15.17.06");
        driver.findElement(By.cssSelector("#case-form button[type=submit]")).click();
        until(d -> text("case-status").contains("gemt"));
        assertNull(driver.findElement(By.id("kle-class")).getDomAttribute("aria-invalid"));
        assertEquals("15.17.06", Api.as(caseworker()).get("/api/v1/conversations/" + c).then().extract()
                .path("kleClass"));
    }

    @Test
    @Order(12)
    void bug6ClearingTheSearchShowsTheWholeListAgain() throws IOException {
        signedInAsCaseworker();
        String e = open(citizen("1111005555", "Elif Eskildsen"), "Søgning");
        String f = open(citizen("1111006666", "Frode Fisker"), "Søgning");
        view("all");
        until(d -> conversationButton(e).isPresent() && conversationButton(f).isPresent());
        WebElement search = driver.findElement(By.id("search-input"));
        search.sendKeys("Elif", Keys.ENTER);
        until(d -> conversationButton(e).isPresent() && conversationButton(f).isEmpty());
        search.sendKeys(Keys.ESCAPE);
        until(d -> conversationButton(f).isPresent());
        assertEquals("", search.getDomProperty("value"));
    }

    @Test
    @Order(13)
    void bug8WordingConfirmationsAndControlsThatDoNotApply() throws IOException {
        signedInAsCaseworker();
        // "1 ulæst", not "1 ulæste"
        String token = citizen("1111007777", "Gry Gram");
        String g = open(token, "Ental");
        World.send(token, g, "Et spørgsmål");
        view("all");
        until(d -> conversationButton(g).isPresent() && conversationButton(g).get().getText().contains("1 ulæst"));
        assertFalse(conversationButton(g).get().getText().contains("1 ulæste"), conversationButton(g).get().getText());

        // an app-only conversation offers no SMS; "assign to me" is not offered when it is already mine
        openInBrowser(g, "Ental");
        assertFalse(driver.findElement(By.id("sms-allowed-label")).isDisplayed(), "no SMS box for app-only");
        driver.findElement(By.id("assign-me")).click();
        until(d -> text("conversation-meta").contains("Tildelt: Birgit Bruun"));
        until(d -> !d.findElement(By.id("assign-me")).isDisplayed());

        // deleting a template asks first
        String title = "Slet mig " + UUID.randomUUID().toString().substring(0, 6);
        Api.as(caseworker()).body(Map.of("title", title, "body", "Midlertidig")).post("/api/v1/units/" + UNIT
                + "/templates").then().statusCode(201);
        signedInAsCaseworker();
        driver.findElement(By.cssSelector("#templates-admin summary")).click();
        until(d -> d.findElement(By.id("template-list")).getText().contains(title));
        driver.findElement(By.cssSelector("#template-list button[aria-label='Slet " + title + "']")).click();
        assertTrue(templateTitles().contains(title), "nothing is deleted before the caseworker confirms");
        until(d -> !d.findElements(By.cssSelector("#template-list [data-confirm]")).isEmpty());
        driver.findElement(By.cssSelector("#template-list [data-confirm=no]")).click();
        assertTrue(templateTitles().contains(title));
        driver.findElement(By.cssSelector("#template-list button[aria-label='Slet " + title + "']")).click();
        until(d -> !d.findElements(By.cssSelector("#template-list [data-confirm=yes]")).isEmpty());
        driver.findElement(By.cssSelector("#template-list [data-confirm=yes]")).click();
        until(d -> !templateTitles().contains(title));
        until(d -> !d.findElement(By.id("template-list")).getText().contains(title));

        // the browser's favicon request finds one
        RestAssured.given().get("/favicon.ico").then().statusCode(200).contentType(containsString("image/"));
    }

    static List<String> templateTitles() {
        return Api.as(caseworker()).get("/api/v1/units/" + UNIT + "/templates").then().statusCode(200).extract()
                .path("items.title");
    }

    // ------------------------------------------------------------------ issue 19: the caseworker's whole day

    @Test
    @Order(20)
    void theListShowsWhoIsWaitingAndAColleaguesReplyChangesItLive() throws IOException {
        signedInAsCaseworker();
        String hanne = citizen("2222001111", "Hanne Hjort");
        String ivan = citizen("2222002222", "Ivan Isaksen");
        String h = open(hanne, "Venter længst");
        World.send(hanne, h, "Hej, jeg har ventet længe\nanden linje");
        String i = open(ivan, "Venter kortest");
        World.send(ivan, i, "Hej fra Ivan");
        view("all");
        until(d -> conversationButton(h).isPresent() && conversationButton(i).isPresent());
        until(d -> conversationButton(h).get().getText().contains("Hanne Hjort: Hej, jeg har ventet længe"));
        assertFalse(conversationButton(h).get().getText().contains("anden linje"), "the first line only");
        assertTrue(awaiting(h), conversationButton(h).get().getText());
        assertTrue(conversationButton(h).get().getText().contains("Venter på svar"));
        // counts on the views and how many wait
        // the page's counts follow the conversations just opened live: wait until it has caught up with the
        // server (reading it once raced the update: 13 shown while the server already counted 15)
        long serverAll = ((Number) Api.as(caseworker()).get("/api/v1/conversations/counts").then().extract()
                .path("all")).longValue();
        until(d -> countOf("all") == serverAll && text("awaiting-count").contains("venter på svar"));
        assertEquals(serverAll, countOf("all"));
        // longest waiting first: Hanne before Ivan, although Ivan wrote last
        new Select(driver.findElement(By.id("sort-select"))).selectByValue("waiting");
        until(d -> listIds().indexOf(h) >= 0 && listIds().indexOf(h) < listIds().indexOf(i));
        new Select(driver.findElement(By.id("sort-select"))).selectByValue("newest");
        until(d -> listIds().indexOf(i) >= 0 && listIds().indexOf(i) < listIds().indexOf(h));

        // a colleague answers Hanne: no longer urgent for Birgit either, without a reload
        long before = countOf("all");
        String awaitingBefore = text("awaiting-count");
        World.send(colleague(), h, "Hej Hanne, jeg ringer dig op i dag.");
        until(d -> !awaiting(h));
        assertTrue(conversationButton(h).get().getText().contains("Carl Krog: Hej Hanne"),
                conversationButton(h).get().getText());
        until(d -> !text("awaiting-count").equals(awaitingBefore));
        assertEquals(before, countOf("all"));
        // and when Hanne writes again, it waits again
        World.send(hanne, h, "Tak!");
        until(d -> awaiting(h));
    }

    static boolean awaiting(String id) {
        return !driver.findElements(By.cssSelector("button.conv[data-id='" + id + "'] [data-awaiting=true]"))
                .isEmpty();
    }

    static long countOf(String view) {
        String t = driver.findElement(By.cssSelector("[data-count=" + view + "]")).getText().replaceAll("\\D", "");
        return t.isEmpty() ? -1 : Long.parseLong(t);
    }

    static List<String> listIds() {
        return driver.findElements(By.cssSelector("button.conv")).stream().map(e -> e.getDomAttribute("data-id"))
                .toList();
    }

    @Test
    @Order(21)
    void newMessagesInTheBackgroundShowInTheTabTitle() throws IOException {
        signedInAsCaseworker();
        String jens = citizen("2222003333", "Jens Juhl");
        String j = open(jens, "Baggrund");
        view("all");
        until(d -> conversationButton(j).isPresent());
        String inbox = driver.getWindowHandle();
        assertEquals("Samtale – indbakke", driver.getTitle());
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        driver.get("about:blank");
        World.send(jens, j, "Er der nogen?");
        World.send(jens, j, "Hallo?");
        until(d -> titles().contains("(2) Samtale – indbakke"));
        // no desktop notification without the caseworker's press on the button: nothing was asked for
        driver.close();
        driver.switchTo().window(inbox);
        assertEquals("default", js("return Notification.permission"));
        js("window.dispatchEvent(new Event('focus'))");
        until(d -> "Samtale – indbakke".equals(d.getTitle()));
    }

    /** The titles of every page in the browser, the background tab's too (without activating it). */
    @SuppressWarnings("unchecked")
    static List<String> titles() {
        Map<String, Object> r = driver.executeCdpCommand("Target.getTargets", Map.of());
        return ((List<Map<String, Object>>) r.get("targetInfos")).stream().filter(x -> "page".equals(x.get("type")))
                .map(x -> String.valueOf(x.get("title"))).toList();
    }

    @Test
    @Order(22)
    void theCitizenPanelShowsPhoneChannelEarlierConversationsAndCases() throws IOException {
        signedInAsCaseworker();
        String karen = citizen("2222004444", "Karen Kjær");
        String old = open(karen, "Tidligere forløb");
        World.send(karen, old, "Tak for hjælpen dengang");
        Api.as(caseworker()).body(Map.of("caseNumber", "2025-000111", "kleClass", "15.17.06", "actionFacet", "G01"))
                .put("/api/v1/conversations/" + old + "/case").then().statusCode(200);
        Api.as(caseworker()).post("/api/v1/conversations/" + old + "/close").then().statusCode(200);
        String now = open(karen, "Nyt forløb");
        World.send(karen, now, "Jeg har brug for hjælp igen");
        openInBrowser(now, "Nyt forløb");
        WebElement panel = driver.findElement(By.id("citizen-panel"));
        until(d -> panel.isDisplayed() && panel.getText().contains("Karen Kjær"));
        until(d -> text("citizen-conversations").contains("Tidligere forløb"));
        assertTrue(text("citizen-conversations").contains("Lukket"), text("citizen-conversations"));
        assertTrue(text("case-references").contains("2025-000111 · 15.17.06 · G01"), text("case-references"));
        until(d -> text("phone-status").contains("Intet bekræftet nummer"));

        // a verified number: masked, with who and when; the number itself never shows
        driver.findElement(By.id("phone-input")).sendKeys("+45 20 11 22 33", Keys.ENTER);
        until(d -> text("phone-status").contains("+45••••••33"));
        assertTrue(text("phone-status").contains("bekræftet af Dig"), text("phone-status"));
        assertFalse(driver.findElement(By.tagName("body")).getText().contains("20112233"));
        assertEquals("", driver.findElement(By.id("phone-input")).getDomProperty("value"));
        // a bad number: said in Danish, marked on the field
        driver.findElement(By.id("phone-input")).sendKeys("123", Keys.ENTER);
        until(d -> text("phone-form-status").contains("landekode"));
        assertEquals("true", driver.findElement(By.id("phone-input")).getDomAttribute("aria-invalid"));

        // the channel policy, set from the panel
        new Select(driver.findElement(By.id("channel-policy"))).selectByValue("app-then-sms");
        until(d -> text("policy-status").contains("gemt"));
        assertEquals("app-then-sms", Api.as(caseworker()).get("/api/v1/conversations/" + now).then().extract()
                .path("channelPolicy"));
        until(d -> d.findElement(By.id("sms-allowed-label")).isDisplayed());

        // an earlier conversation opens from the panel
        driver.findElement(By.cssSelector("#citizen-conversations button[data-id='" + old + "']")).click();
        until(d -> text("conversation-title").contains("Tidligere forløb"));
    }

    @Test
    @Order(23)
    void startsAConversationByCprWithoutTheCprInAnyUrl() throws IOException {
        signedInAsCaseworker();
        String cpr = "2222005555";
        driver.findElement(By.id("new-conversation")).click();
        until(d -> d.findElement(By.id("start-cpr")).isDisplayed());
        driver.findElement(By.id("start-cpr")).sendKeys("12345");
        driver.findElement(By.id("start-subject")).sendKeys("Indkaldelse til samtale");
        driver.findElement(By.cssSelector("#start-form button[type=submit]")).click();
        until(d -> text("start-status").contains("10 cifre"));
        assertEquals("true", driver.findElement(By.id("start-cpr")).getDomAttribute("aria-invalid"));
        driver.findElement(By.id("start-cpr")).clear();
        driver.findElement(By.id("start-cpr")).sendKeys(cpr);
        driver.findElement(By.cssSelector("#start-form button[type=submit]")).click();
        until(d -> text("conversation-title").contains("Indkaldelse til samtale"));
        driver.findElement(By.id("message-input")).sendKeys("Hej, vi vil gerne tale med dig om din uddannelse.",
                Keys.ENTER);
        // the citizen, signing in later with MitID, finds the conversation and the message
        String token = citizen(cpr, "Lone Lund");
        until(d -> {
            List<String> subjects = Api.as(token).get("/api/v1/conversations").then().statusCode(200).extract()
                    .path("items.subject");
            return subjects.contains("Indkaldelse til samtale");
        });
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".concat([location.href])");
        assertTrue(urls.stream().noneMatch(u -> u.contains(cpr)), "the CPR was in a URL: " + urls);
        assertTrue(urls.stream().anyMatch(u -> u.endsWith("/api/v1/citizens/lookup")), urls.toString());
    }

    @Test
    @Order(24)
    void colleaguesSeeWhoHasTheConversationOpenAndWhoIsTypingAndReplyingOffersToAssign() throws IOException {
        signedInAsCaseworker();
        String mia = citizen("2222006666", "Mia Mølgaard");
        String m = open(mia, "Holdarbejde");
        World.send(mia, m, "Hvem svarer mig?");
        // Carl has it open already
        Api.as(colleague()).put("/api/v1/conversations/" + m + "/viewers/me").then().statusCode(200);
        openInBrowser(m, "Holdarbejde");
        until(d -> text("presence").contains("Carl Krog har også samtalen åben"));
        try (WsClient carl = WsClient.connect(colleague())) {
            carl.send(Map.of("type", "typing", "conversationId", m));
            until(d -> text("typing").contains("Carl Krog (kollega) skriver"));
        }
        // answering an unassigned conversation offers to take it
        driver.findElement(By.id("message-input")).sendKeys("Det gør jeg, Mia.", Keys.ENTER);
        until(d -> d.findElement(By.id("assign-offer")).isDisplayed());
        driver.findElement(By.id("assign-offer-yes")).click();
        until(d -> text("conversation-meta").contains("Tildelt: Birgit Bruun"));
        assertFalse(driver.findElement(By.id("assign-offer")).isDisplayed());
        assertEquals("Birgit Bruun", Api.as(caseworker()).get("/api/v1/conversations/" + m).then().extract()
                .path("assignee.name"));
        // the presence endpoint is the unit's: another unit's staff and citizens get nothing
        Api.as(World.staffX()).put("/api/v1/conversations/" + m + "/viewers/me").then().statusCode(404);
        Api.as(mia).put("/api/v1/conversations/" + m + "/viewers/me").then().statusCode(403);
        Api.as(colleague()).delete("/api/v1/conversations/" + m + "/viewers/me").then().statusCode(204);
    }

    @Test
    @Order(25)
    void desktopNotificationsOnlyAfterTheButtonAndWithoutNamesUnlessChosen() throws IOException {
        signedInAsCaseworker();
        String sara = citizen("2222011111", "Sara Skov");
        String s = open(sara, "Notifikation");
        view("all");
        until(d -> conversationButton(s).isPresent());
        assertEquals("default", js("return Notification.permission"), "nothing asked for on load");
        // the browser's own prompt is answered "allow" (as the caseworker would), then the button asks
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", base(), "permissions",
                List.of("notifications")));
        driver.findElement(By.cssSelector("#alerts-admin summary")).click();
        driver.findElement(By.id("desktop-enable")).click();
        until(d -> text("alerts-status").contains("slået til"));
        // record the notifications the page shows (the real API still shows them)
        js("const N = window.Notification; window.__shown = [];"
                + " window.Notification = class extends N { constructor(t, o) { super(t, o); window.__shown.push(o.body); } };");
        whileInTheBackground(() -> World.send(sara, s, "Mit CPR-kort er væk"));
        assertEquals(List.of("Ny besked i indbakken"), js("return window.__shown"), "no name, no text by default");
        driver.findElement(By.id("notify-details")).click();
        whileInTheBackground(() -> World.send(sara, s, "Hvad gør jeg nu?"));
        assertEquals("Sara Skov: Hvad gør jeg nu?", ((List<?>) js("return window.__shown")).get(1));
    }

    /** Another tab in front while {@code action} runs, until the inbox's title counts the message; then back. */
    static void whileInTheBackground(Runnable action) {
        String inbox = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        action.run();
        until(d -> titles().contains("(1) Samtale – indbakke"));
        driver.close();
        driver.switchTo().window(inbox);
        js("window.dispatchEvent(new Event('focus'))"); // as when the caseworker clicks back into the window
        until(d -> "Samtale – indbakke".equals(d.getTitle()));
    }

    // ------------------------------------------------------------------ any screen

    static void viewport(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
    }

    static void noHorizontalScroll(String where) {
        Long overflow = (Long) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertTrue(overflow <= 0, where + " scrolls sideways by " + overflow + " px");
    }

    @Test
    @Order(30)
    void atPhoneWidthListAndConversationAreSeparateScreensWithABackButton() throws IOException {
        signedInAsCaseworker();
        String nora = citizen("2222007777", "Nora Nygaard");
        String n = open(nora, "Telefon");
        World.send(nora, n, "Skriver fra mobilen");
        try {
            viewport(390, 844);
            view("all");
            until(d -> conversationButton(n).isPresent());
            assertFalse(driver.findElement(By.id("conversation")).isDisplayed());
            noHorizontalScroll("the list at 390 px");
            click(() -> conversationButton(n).get());
            until(d -> d.findElement(By.id("conversation")).isDisplayed());
            assertFalse(driver.findElement(By.id("sidebar")).isDisplayed(), "one screen at a time");
            until(d -> messageBodies().contains("Skriver fra mobilen"));
            noHorizontalScroll("the conversation at 390 px");
            driver.findElement(By.id("show-side")).click();
            until(d -> d.findElement(By.id("citizen-panel")).isDisplayed());
            assertFalse(driver.findElement(By.id("conversation")).isDisplayed());
            driver.findElement(By.id("side-back")).click();
            until(d -> d.findElement(By.id("conversation")).isDisplayed());
            driver.findElement(By.id("back")).click();
            until(d -> d.findElement(By.id("sidebar")).isDisplayed());
            assertEquals(n, js("return document.activeElement.dataset.id"), "focus returns to the conversation");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    @Order(31)
    void at200PercentZoomNothingScrollsSidewaysAndTheReplyBoxIsReachable() throws IOException {
        signedInAsCaseworker();
        String otto = citizen("2222008888", "Otto Overgaard");
        String o = open(otto, "Zoom");
        World.send(otto, o, "Kan du læse det her?");
        try {
            // a 1366 × 900 screen at 200 %: the page sees 683 × 450 CSS pixels
            viewport(683, 450);
            view("all");
            until(d -> conversationButton(o).isPresent());
            noHorizontalScroll("the list at 200 %");
            click(() -> conversationButton(o).get());
            until(d -> messageBodies().contains("Kan du læse det her?"));
            noHorizontalScroll("the conversation at 200 %");
            js("document.getElementById('message-input').scrollIntoView({block: 'center'})");
            assertTrue((Boolean) js("const r = document.getElementById('message-input').getBoundingClientRect();"
                    + " return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth"),
                    "the reply box fits on screen");
            driver.findElement(By.id("message-input")).sendKeys("Ja, fint.", Keys.ENTER);
            until(d -> messageBodies().contains("Ja, fint."));
            noHorizontalScroll("after replying at 200 %");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    @Order(32)
    void atLaptopSizeTheMessagesGetMostOfTheHeight() throws IOException {
        signedInAsCaseworker();
        String p = open(citizen("2222009999", "Pia Pallesen"), "Højde");
        try {
            viewport(1366, 900);
            openInBrowser(p, "Højde");
            assertFalse((Boolean) js("return document.getElementById('case-details').open"), "the case form is folded");
            double share = ((Number) js("return document.getElementById('messages').getBoundingClientRect().height"
                    + " / innerHeight")).doubleValue();
            assertTrue(share >= 0.5, "the message list has " + Math.round(share * 100) + " % of the height");
            noHorizontalScroll("1366 × 900");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /**
     * axe (WCAG 2.0/2.1 A and AA) on every view and panel, at 1366 × 900 and 390 × 844, failing on any
     * violation; and the README's screenshots of the main views at both sizes.
     */
    @Test
    @Order(33)
    void everyViewAndPanelHasNoWcagViolationAtBothSizes() throws IOException {
        signedInAsCaseworker();
        String rita = citizen("2222010000", "Rita Rask");
        String r = open(rita, "Tilgængelighed");
        World.send(rita, r, "Hej, jeg har et spørgsmål om min praktik.");
        World.send(caseworker(), r, "Hej Rita, hvad vil du gerne vide?");
        World.send(rita, r, "Hvornår starter den?");
        try {
            for (int[] size : new int[][]{{1366, 900}, {390, 844}}) {
                String at = size[0] + "x" + size[1];
                String kind = size[0] > 700 ? "wide" : "phone";
                viewport(size[0], size[1]);
                driver.get(base() + "/inbox/");
                until(d -> d.findElements(By.cssSelector("#sign-in-options button")).size() == 1);
                accessible("sign-in " + at);
                driver.findElement(By.cssSelector("#sign-in-options button")).click();
                until(d -> d.findElement(By.id("app")).isDisplayed() && "open".equals(connection()));
                for (String v : List.of("mine", "unassigned", "closed", "all")) {
                    view(v);
                    until(d -> !d.findElements(By.cssSelector("#conversation-list li")).isEmpty()
                            || d.findElement(By.id("list-empty")).isDisplayed());
                    accessible("view " + v + " " + at);
                }
                until(d -> conversationButton(r).isPresent());
                js("window.scrollTo(0, 0)");
                screenshot("inbox-" + kind);
                for (String panel : List.of("templates-admin", "hours-admin", "alerts-admin")) {
                    js("document.getElementById(arguments[0]).open = true", panel);
                    until(d -> d.findElement(By.cssSelector("#" + panel + " > :not(summary)")).isDisplayed());
                    accessible(panel + " " + at);
                    js("document.getElementById(arguments[0]).open = false", panel);
                }
                click(() -> conversationButton(r).get());
                until(d -> messageBodies().contains("Hvornår starter den?"));
                until(d -> !driver.findElement(By.id("citizen-conversations")).getDomProperty("textContent").isEmpty());
                accessible("conversation " + at);
                js("document.getElementById('messages').scrollTop = 1e6; window.scrollTo(0, 0);");
                screenshot("conversation-" + kind);
                js("document.getElementById('case-details').open = true");
                driver.findElement(By.id("kle-class")).sendKeys("forkert");
                driver.findElement(By.cssSelector("#case-form button[type=submit]")).click();
                until(d -> !text("case-status").isEmpty());
                accessible("case form with an error " + at);
                driver.findElement(By.id("kle-class")).clear();
                js("document.getElementById('case-details').open = false");
                if (size[0] <= 700) {
                    driver.findElement(By.id("show-side")).click();
                }
                until(d -> d.findElement(By.id("citizen-panel")).isDisplayed());
                driver.findElement(By.id("phone-input")).sendKeys("12", Keys.ENTER);
                until(d -> !text("phone-form-status").isEmpty());
                accessible("citizen panel with an error " + at);
                driver.findElement(By.id("phone-input")).clear();
                driver.findElement(By.id("phone-input")).sendKeys("+4520304099", Keys.ENTER);
                until(d -> text("phone-status").contains("+45••••••99"));
                accessible("citizen panel " + at);
                js("window.scrollTo(0, 0)");
                screenshot("citizen-" + kind);
                if (size[0] <= 700) {
                    driver.findElement(By.id("side-back")).click();
                    driver.findElement(By.id("back")).click();
                }
                driver.findElement(By.id("new-conversation")).click();
                until(d -> d.findElement(By.id("start-cpr")).isDisplayed());
                driver.findElement(By.cssSelector("#start-form button[type=submit]")).click();
                until(d -> !text("start-status").isEmpty());
                accessible("start a conversation " + at);
                js("window.scrollTo(0, 0)");
                screenshot("start-" + kind);
            }
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
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

    /**
     * Correcting what was sent (issue 20), in the inbox: a message its sender retracts turns into
     * "Beskeden blev trukket tilbage" live (and in the list's preview); a corrected one shows the new text,
     * when and why it was corrected, and the original.
     */
    @Test
    @Order(34)
    void aRetractedMessageSaysSoLiveAndACorrectedOneShowsItsReasonAndOriginal() throws IOException {
        viewport(1366, 900);
        signedInAsCaseworker();
        String tove = citizen("0304051234", "Tove Thy");
        String c = open(tove, "Rettelser");
        World.send(tove, c, "Hej, hvornår er mødet?");
        openInBrowser(c, "Rettelser");
        String wrong = staffSends(c, "Mødet er kl. 9.");
        String oops = staffSends(c, "Beregnet til en anden borger");
        until(d -> messageBodies().contains("Beregnet til en anden borger"));

        String base = "/api/v1/conversations/" + c + "/messages/";
        Api.as(caseworker()).post(base + oops + "/retract").then().statusCode(200);
        until(d -> messageBodies().contains("Beskeden blev trukket tilbage")
                && !messageBodies().contains("Beregnet til en anden borger"));
        until(d -> conversationButton(c).get().getText().contains("Beskeden blev trukket tilbage"));

        Api.as(caseworker()).body(Map.of("body", "Mødet er kl. 10.", "reason", "Forkert tidspunkt"))
                .put(base + wrong + "/correction").then().statusCode(200);
        until(d -> messageBodies().contains("Mødet er kl. 10."));
        String shown = driver.findElement(By.id("messages")).getText();
        assertTrue(shown.contains("Forkert tidspunkt"), shown);
        assertTrue(shown.contains("Oprindelig tekst: Mødet er kl. 9."), shown);
    }

    /**
     * Issue 20: the caseworker takes back an unread message and corrects another with a reason from the
     * inbox; the page shows each at once and the citizen's app gets it live; taking back a message the
     * citizen has read is refused with a Danish explanation.
     */
    @Test
    @Order(35)
    void retractsAnUnreadMessageAndCorrectsAnotherWithAReason() throws IOException {
        signedInAsCaseworker();
        String otto = citizen("1812881234", "Otto Holm");
        String c = open(otto, "Rettelser");
        try (WsClient app = WsClient.connect(otto)) {
            openInBrowser(c, "Rettelser");
            driver.findElement(By.id("message-input")).sendKeys("Mødet er tirsdag", Keys.ENTER);
            app.await("message");
            driver.findElement(By.id("message-input")).sendKeys("Husk lønsedlerne", Keys.ENTER);
            app.await("message");
            until(d -> !d.findElements(By.cssSelector("#messages li[data-seq='2'] .retract")).isEmpty());

            click(() -> driver.findElement(By.cssSelector("#messages li[data-seq='2'] .retract")));
            until(d -> d.findElement(By.cssSelector("#messages li[data-seq='2']")).getDomAttribute("class")
                    .contains("retracted"));
            assertEquals("Beskeden blev trukket tilbage",
                    driver.findElement(By.cssSelector("#messages li[data-seq='2'] .body")).getText());
            assertEquals(2, app.await("message-retracted").path("seq").asLong());

            click(() -> driver.findElement(By.cssSelector("#messages li[data-seq='1'] .correct")));
            WebElement body = driver.findElement(By.cssSelector("#messages li[data-seq='1'] .correct-body"));
            body.clear();
            body.sendKeys("Mødet er onsdag");
            driver.findElement(By.cssSelector("#messages li[data-seq='1'] .correct-reason")).sendKeys("Forkert dag");
            driver.findElement(By.cssSelector("#messages li[data-seq='1'] .save-correction")).click();
            until(d -> d.findElement(By.cssSelector("#messages li[data-seq='1'] .body")).getText()
                    .equals("Mødet er onsdag"));
            assertTrue(driver.findElement(By.cssSelector("#messages li[data-seq='1'] .correction")).getText()
                    .contains("Forkert dag"));
            assertTrue(driver.findElement(By.cssSelector("#messages li[data-seq='1'] .original")).getText()
                    .contains("Mødet er tirsdag"));
            JsonNode corrected = app.await("message-corrected");
            assertEquals(1, corrected.path("message").path("seq").asLong());
            assertEquals("Mødet er onsdag", corrected.path("message").path("body").asText());

            // read by the citizen: no longer taken back, and the page says why in Danish
            app.send(Map.of("type", "read", "conversationId", c, "seq", 1));
            until(d -> stateOf(1).equals("read"));
            click(() -> driver.findElement(By.cssSelector("#messages li[data-seq='1'] .retract")));
            until(d -> d.findElement(By.id("announce")).getDomProperty("textContent").contains("har læst beskeden"));
            assertFalse(driver.findElement(By.cssSelector("#messages li[data-seq='1']")).getDomAttribute("class")
                    .contains("retracted"));
        }
    }

    private static String staffSends(String conversation, String body) {
        return Api.as(caseworker()).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

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

    /**
     * Runs axe-core (shipped in com.deque.html.axe-core:selenium) on the page with the WCAG 2.0 and 2.1 A
     * and AA rules, and fails on any violation, whatever its impact.
     */
    static void accessible(String what) throws IOException {
        String axe;
        try (InputStream in = InboxBrowserTest.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        js(axe);
        String result = (String) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                                    resultTypes: ['violations'] })
                  .then(r => done(JSON.stringify(r.violations)), e => done('error: ' + e));""");
        assertFalse(result.startsWith("error"), result);
        List<String> bad = new ArrayList<>();
        for (JsonNode v : JSON.readTree(result)) {
            bad.add(v.path("id").asText() + " (" + v.path("impact").asText() + "): " + v.path("help").asText()
                    + " at " + v.path("nodes").findValuesAsText("html"));
        }
        assertTrue(bad.isEmpty(), what + " has accessibility violations: " + bad);
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

    // ------------------------------------------------------------------ issue 17: attachments

    /** The SHA-256 (hex) of the last blob the page made a URL for (what a download or a preview shows). */
    static String lastBlobSha256() {
        return (String) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const blob = window.__blobs[window.__blobs.length - 1];
                blob.arrayBuffer().then((b) => crypto.subtle.digest('SHA-256', b)).then((h) => done(
                  [...new Uint8Array(h)].map((x) => x.toString(16).padStart(2, '0')).join('')));""");
    }

    @Test
    @Order(34)
    void attachesByPickerAndByDropWithProgressShowsThumbnailsAndDownloads() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dk.samtale.testing.Clamd.shared() != null,
                "!!! clamd cannot be had here: " + dk.samtale.testing.Clamd.whyUnavailable());
        viewport(1366, 900);
        signedInAsCaseworker();
        String freja = citizen("2222020000", "Freja Fil");
        String c = open(freja, "Filer");
        // the citizen sends a photo from the app (upload, then send)
        String photo = Api.as(freja).contentType("image/jpeg")
                .header("Content-Disposition", "attachment; filename*=UTF-8''sygemelding.jpg")
                .body(dk.samtale.attachment.TestFiles.jpegWithGps(400, 300))
                .post("/api/v1/conversations/{c}/attachments", c).then().statusCode(201).extract().path("id");
        String photoSha = Api.as(freja).get("/api/v1/conversations/{c}/attachments/{a}/status", c, photo).then()
                .extract().path("sha256");
        Api.as(freja).body(Map.of("clientMessageId", "photo-1", "body", "Her er min sygemelding", "attachmentIds",
                List.of(photo))).post("/api/v1/conversations/{c}/messages", c).then().statusCode(201);

        openInBrowser(c, "Filer");
        String file = "#messages li.file[data-attachment-id='" + photo + "']";
        until(d -> ((Number) js("const i = document.querySelector(arguments[0] + ' img');"
                + " return i ? i.naturalWidth : 0", file)).intValue() > 0);
        String meta = driver.findElement(By.cssSelector(file + " .meta")).getText();
        assertTrue(meta.contains("sygemelding.jpg") && meta.contains("JPEG") && meta.contains("kB"), meta);
        // download: the bytes the browser saves are the cleaned file the server lists
        js("window.__blobs = []; const make = URL.createObjectURL;"
                + " URL.createObjectURL = (b) => { window.__blobs.push(b); return make(b); };"
                + " window.__saved = []; const click = HTMLAnchorElement.prototype.click;"
                + " HTMLAnchorElement.prototype.click = function () { window.__saved.push(this.download); };");
        driver.findElement(By.cssSelector(file + " button.download")).click();
        until(d -> ((Number) js("return window.__saved.length")).intValue() == 1);
        assertEquals("sygemelding.jpg", js("return window.__saved[0]"));
        assertEquals(photoSha, lastBlobSha256());

        try (WsClient app = WsClient.connect(freja)) {
            // by the file picker, with a progress bar
            Path pdf = Files.createTempFile("brev", ".pdf");
            Files.write(pdf, dk.samtale.attachment.TestFiles.pdfWithJavaScript());
            Path named = pdf.resolveSibling("Aftale om praktik.pdf");
            Files.move(pdf, named, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            driver.findElement(By.id("file-input")).sendKeys(named.toString());
            until(d -> !d.findElements(By.cssSelector("#uploads li.upload[data-state='accepted']")).isEmpty());
            assertEquals("1", driver.findElement(By.cssSelector("#uploads progress")).getDomProperty("value"));
            driver.findElement(By.id("message-input")).sendKeys("Her er aftalen.", Keys.ENTER);
            JsonNode sent = app.await(f -> f.path("type").asText().equals("message")
                    && f.path("message").path("sender").path("kind").asText().equals("staff"), "the letter")
                    .path("message");
            assertEquals("Her er aftalen.", sent.path("body").asText());
            JsonNode letter = sent.path("attachments").get(0);
            assertEquals("Aftale om praktik.pdf", letter.path("fileName").asText());
            assertEquals("application/pdf", letter.path("mediaType").asText());
            byte[] got = Api.as(freja).accept("*/*").get("/api/v1/conversations/{c}/attachments/{a}", c,
                    letter.path("id").asText()).then().statusCode(200).extract().asByteArray();
            assertEquals(letter.path("sha256").asText(), java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(got)));
            assertTrue(driver.findElements(By.cssSelector("#uploads li")).isEmpty(), "the composer is empty again");
            Files.deleteIfExists(named);

            // by drag and drop, without text
            String png = Base64.getEncoder().encodeToString(dk.samtale.attachment.TestFiles.pngWithText(64, 48));
            js("const bytes = Uint8Array.from(atob(arguments[0]), (ch) => ch.charCodeAt(0));"
                    + " const dt = new DataTransfer(); dt.items.add(new File([bytes], 'skema.png', { type: 'image/png' }));"
                    + " const composer = document.getElementById('composer');"
                    + " composer.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));"
                    + " composer.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));",
                    png);
            until(d -> !d.findElements(By.cssSelector("#uploads li.upload[data-state='accepted']")).isEmpty());
            driver.findElement(By.cssSelector("#composer button[type='submit']")).click();
            JsonNode dropped = app.await(f -> f.path("type").asText().equals("message")
                    && f.path("message").path("attachments").path(0).path("fileName").asText().equals("skema.png"),
                    "the dropped file").path("message");
            assertEquals("", dropped.path("body").asText());
            assertTrue(dropped.path("attachments").get(0).path("hasThumbnail").asBoolean());
            // and the caseworker's own page shows its thumbnail
            String own = "#messages li.file[data-attachment-id='" + dropped.path("attachments").get(0).path("id")
                    .asText() + "'] img";
            until(d -> ((Number) js("const i = document.querySelector(arguments[0]); return i ? i.naturalWidth : 0",
                    own)).intValue() > 0);
        }
    }
}
