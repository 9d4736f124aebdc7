package dk.samtale.conversation;

/**
 * How many conversations each of a staff member's inbox views holds: open ones assigned to them, open
 * unassigned, all open, closed, and open ones awaiting a reply from the unit.
 */
public record ConversationCounts(long mine, long unassigned, long all, long closed, long awaitingReply) {
}
