package dev.nerve.bench.memory.quality;

import java.util.List;
import java.util.Map;

/**
 * One kind of life event a speaker can tell about (adopting a pet, a trip, a race...), with the
 * slot values it draws from, several ways to say it in chat, a follow-up exchange that adds a
 * detail without repeating the topic's words, and the questions that ask about it. Placeholders:
 * {@code {slot}} for a slot value, {@code {t}} for the relative time phrase, {@code {X}} for the
 * speaker's name.
 *
 * @param id short name
 * @param domain what the event says about the speaker, for open-domain questions
 * @param group what multi-hop questions gather it under
 * @param slots slot name to the values it draws from
 * @param statements first-person ways to tell it (each contains {t} or reads well without it)
 * @param followUps the partner's follow-up questions
 * @param details the speaker's answers to the follow-up (the detail)
 * @param questions single-hop questions answered by the statement
 * @param detailQuestions single-hop questions answered by the detail turn
 * @param temporal the "when" question
 * @param echo the partner's reaction that repeats the topic's words (a distractor)
 */
record FactKind(
    String id,
    String domain,
    String group,
    Map<String, List<String>> slots,
    List<String> statements,
    List<String> followUps,
    List<String> details,
    List<String> questions,
    List<String> detailQuestions,
    String temporal,
    List<String> echo) {}
