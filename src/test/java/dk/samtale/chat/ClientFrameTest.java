package dk.samtale.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dk.samtale.platform.ErrorCode;

class ClientFrameTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONVERSATION = UUID.randomUUID().toString();

    private static ClientFrame parse(String json) throws Exception {
        return ClientFrame.parse(JSON.readTree(json));
    }

    private static ClientFrame.Invalid invalid(String json) {
        return assertThrows(ClientFrame.Invalid.class, () -> parse(json));
    }

    @Test
    void readsEveryFrameTypeOfTheContract() throws Exception {
        ClientFrame.Send send = assertInstanceOf(ClientFrame.Send.class, parse("""
                {"type":"send","id":"f1","conversationId":"%s","clientMessageId":"c1","body":"hej"}"""
                .formatted(CONVERSATION)));
        assertEquals("f1", send.id());
        assertEquals("hej", send.body());
        assertEquals(7, assertInstanceOf(ClientFrame.Read.class,
                parse("{\"type\":\"read\",\"conversationId\":\"%s\",\"seq\":7}".formatted(CONVERSATION))).seq());
        assertInstanceOf(ClientFrame.Delivered.class,
                parse("{\"type\":\"delivered\",\"conversationId\":\"%s\",\"seq\":0}".formatted(CONVERSATION)));
        assertInstanceOf(ClientFrame.Typing.class,
                parse("{\"type\":\"typing\",\"conversationId\":\"%s\"}".formatted(CONVERSATION)));
        ClientFrame.Resume resume = assertInstanceOf(ClientFrame.Resume.class, parse(
                "{\"type\":\"resume\",\"conversations\":[{\"conversationId\":\"%s\",\"afterSeq\":3}]}"
                        .formatted(CONVERSATION)));
        assertEquals(3, resume.conversations().get(0).afterSeq());
        assertNull(assertInstanceOf(ClientFrame.Ping.class, parse("{\"type\":\"ping\"}")).id());
    }

    @Test
    void readsRetractAndCorrectAndNamesWhatIsMissing() throws Exception {
        String message = "019ab2c4-5e6f-7a10-8b3c-4d5e6f708192";
        ClientFrame.Retract retract = assertInstanceOf(ClientFrame.Retract.class, parse("""
                {"type":"retract","id":"r1","conversationId":"%s","messageId":"%s"}""".formatted(CONVERSATION,
                message)));
        assertEquals(message, retract.messageId().toString());
        ClientFrame.Correct correct = assertInstanceOf(ClientFrame.Correct.class, parse("""
                {"type":"correct","conversationId":"%s","messageId":"%s","body":"ny","reason":"fejl"}"""
                .formatted(CONVERSATION, message)));
        assertEquals("ny", correct.body());
        assertEquals("fejl", correct.reason());
        assertEquals(false, correct.toString().contains("ny"), "a frame's text never reaches a log line");
        ClientFrame.Invalid noMessage = invalid("""
                {"type":"retract","id":"r2","conversationId":"%s"}""".formatted(CONVERSATION));
        assertEquals("messageId", noMessage.problem.errors().get(0).field());
        assertEquals("r2", noMessage.ref);
        assertEquals("reason", invalid("""
                {"type":"correct","conversationId":"%s","messageId":"%s","body":"ny"}""".formatted(CONVERSATION,
                message)).problem.errors().get(0).field());
    }

    @Test
    void namesTheProblemAndKeepsTheFrameIdForTheErrorFrame() {
        ClientFrame.Invalid unknown = invalid("{\"type\":\"dance\",\"id\":\"x9\"}");
        assertEquals(ErrorCode.UNKNOWN_FRAME_TYPE, unknown.problem.code());
        assertEquals("x9", unknown.ref);
        ClientFrame.Invalid badSeq = invalid(
                "{\"type\":\"read\",\"conversationId\":\"%s\",\"seq\":-1}".formatted(CONVERSATION));
        assertEquals("seq", badSeq.problem.errors().get(0).field());
        assertEquals(ErrorCode.INVALID_FIELD, invalid("{\"type\":\"read\",\"conversationId\":\"%s\",\"seq\":1.5}"
                .formatted(CONVERSATION)).problem.code());
        assertEquals("conversationId",
                invalid("{\"type\":\"typing\",\"conversationId\":\"nope\"}").problem.errors().get(0)
                        .field());
        assertEquals(ErrorCode.MALFORMED_JSON, invalid("[1,2]").problem.code());
        assertEquals("id", invalid("{\"type\":\"ping\",\"id\":42}").problem.errors().get(0).field());
    }
}
