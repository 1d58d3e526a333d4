package dev.longwatch.query.http;

import dev.longwatch.query.ask.AskService;

/** The one rule for questions, asked once or standing: not blank, at most 2000 characters. */
final class Questions {
    private Questions() {}

    /** The question stripped, or a 400 {@code invalid_question} saying what is wrong. */
    static String check(String raw) {
        String question = raw == null ? "" : raw.strip();
        if (question.isEmpty()) {
            throw ApiException.badRequest("invalid_question", "'question' must not be empty");
        }
        if (question.length() > AskService.MAX_QUESTION_CHARS) {
            throw ApiException.badRequest(
                    "invalid_question",
                    "'question' has " + question.length() + " characters; the limit is "
                            + AskService.MAX_QUESTION_CHARS);
        }
        return question;
    }
}
