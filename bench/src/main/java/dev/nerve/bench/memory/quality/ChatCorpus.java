package dev.nerve.bench.memory.quality;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A generated data set of long multi-session chats between two people, with questions and the ids
 * of the turns that answer them (see docs/benchmarks.md, "Retrieval quality"). Everything comes
 * from one seed and the templates of {@link FactCatalogue}, so every machine evaluates the same
 * data; nothing is downloaded.
 *
 * <p>Each conversation runs over many dated sessions. Each speaker tells about life events (a new
 * pet, a trip, a race...) spread over the sessions, usually with a relative time ("last
 * weekend"), and the partner often asks a follow-up that the speaker answers without repeating
 * the topic's words. Around them: greetings and goodbyes that repeat almost word for word in
 * every session, generic reactions, reactions that echo the topic's words, asides that mention
 * the same kinds of things in another context, and the partner's own events of the same kinds.
 * A share of the events is brought up again a few sessions later (a callback: "Any regrets about
 * deciding to adopt Luna?" "No regrets! I'd adopt Luna all over again."), in the event's own
 * words but without its time, as chats come back to what they told; these are drawn from a
 * random of their own, so a corpus without callbacks is the same as one generated before them.
 */
final class ChatCorpus {

  /** The four answerable question types. */
  enum Type {
    /** One fact, told in one turn. */
    SINGLE_HOP,
    /** Several facts of one kind told in different sessions. */
    MULTI_HOP,
    /** When something happened: the turn that tells it, dated by its session. */
    TEMPORAL,
    /** What the facts imply about a person, asked without their words. */
    OPEN_DOMAIN
  }

  /**
   * One chat turn.
   *
   * @param id {@code <conversation>:D<session>:<n>}
   * @param speaker who said it
   * @param text what was said
   * @param at when
   */
  record Turn(String id, String speaker, String text, Instant at) {

    /** The text stored as a memory, with its speaker as chat exports write it. */
    String memoryText() {
      return speaker + ": " + text;
    }
  }

  /**
   * One sitting of a conversation.
   *
   * @param number 1-based
   * @param date when it started
   * @param turns in order
   */
  record Session(int number, Instant date, List<Turn> turns) {}

  /**
   * One long chat between two people.
   *
   * @param id e.g. {@code chat-3}
   * @param speakers the two names
   * @param sessions in order
   */
  record Conversation(String id, List<String> speakers, List<Session> sessions) {

    List<Turn> turns() {
      List<Turn> all = new ArrayList<>();
      sessions.forEach(s -> all.addAll(s.turns()));
      return all;
    }
  }

  /**
   * A question about one conversation.
   *
   * @param id unique id
   * @param conversation the conversation it is asked about
   * @param type its type
   * @param text the question
   * @param evidence ids of the turns that answer it
   */
  record Question(String id, String conversation, Type type, String text, List<String> evidence) {}

  private static final List<String> NAMES =
      List.of(
          "Ann", "Ben", "Caroline", "Melanie", "Jon", "Gina", "Priya", "Tomas", "Aiko", "Marcus", "Leila", "Devon",
          "Sofia", "Raj", "Nadia", "Oscar", "Hana", "Luis", "Chloe", "Evan", "Maya", "Sam", "Ines", "Theo");
  private static final List<String> TIMES =
      List.of(
          "yesterday", "last weekend", "two days ago", "last Friday", "this morning", "last week", "on Saturday",
          "a few days ago", "last night", "on Sunday", "earlier this week");
  private static final List<String> GREETINGS =
      List.of("Hey {B}! Long time no see.", "Hi {B}, how's it going?", "Hey {B}! Good to hear from you.", "{B}! How have you been?", "Hi {B}! Hope your week is going well.");
  private static final List<String> GREETING_REPLIES =
      List.of("Hi {A}! I'm doing well, thanks. What's new with you?", "Hey {A}! Things are good, busy week though.", "Hey {A}! All good here. You?", "Hi {A}! Doing ok, tired but ok.");
  private static final List<String> REACTIONS =
      List.of("That's awesome, {A}!", "Wow, I'm so happy for you!", "That sounds amazing!", "No way! That's so cool.", "Oh nice, good for you!", "Haha, love that.", "That's great news, {A}.");
  private static final List<String> FILLERS =
      List.of(
          "Work has been crazy lately.", "The weather has been so nice this week.", "I've been trying to get more sleep.",
          "Did you watch the game last night?", "I'm so tired today, haha.", "Same here, honestly.", "Traffic was terrible this morning.",
          "I need a vacation.", "I've been binge-watching a cooking show.", "My phone screen cracked again.", "Totally agree.",
          "Ugh, Mondays.", "I had way too much coffee today.", "We should grab lunch sometime.");
  private static final List<String> FAREWELLS =
      List.of("Anyway, I gotta run. Talk soon!", "Bye {B}! Take care.", "Catch up next week?", "Sounds good, bye!", "Talk later, {B}!", "Bye! Say hi to everyone for me.");
  private static final List<String> FAREWELL_REPLIES =
      List.of("Bye {A}!", "Take care, {A}!", "Talk soon!", "Bye! See you.", "Totally! Bye {A}!");
  /** Openers, afterthoughts and questions back that chat turns wrap their news in. */
  private static final List<String> OPENERS =
      List.of("Oh, and", "Anyway,", "By the way,", "So,", "Guess what,", "Okay so", "Also,", "Btw,");
  private static final List<String> AFTERTHOUGHTS =
      List.of(
          "It was a long day but totally worth it.", "I'll send you pictures later.", "Still can't quite believe it.",
          "I was nervous at first, not gonna lie.", "It's been on my list forever.", "Everyone was super nice about it.",
          "Honestly it made my whole week.", "I've been telling everyone about it.", "We'll see how it goes.",
          "It's funny how things work out.");
  /** The partner bringing up an earlier event again ({@code {vp}}: what the speaker did). */
  private static final List<String> CALLBACK_QUESTIONS =
      List.of(
          "Are you still glad you decided to {vp}?", "So, any regrets about deciding to {vp}?",
          "I was telling a friend how you decided to {vp}. How do you feel about it now?",
          "Do you ever think back to when you decided to {vp}?");
  /** The speaker's answers to the callback questions, in the same order. */
  private static final List<String> CALLBACK_ANSWERS =
      List.of(
          "So glad! I'd {vp} all over again.", "Not at all, deciding to {vp} was one of my best calls this year.",
          "Honestly, I'm really glad I decided to {vp}.", "All the time. Deciding to {vp} changed a lot for me.");
  private static final List<String> QUESTIONS_BACK =
      List.of(
          "What have you been up to?", "How's work going for you?", "Anything new on your side?", "How was your weekend?",
          "How's the family?", "Did you end up doing anything fun?");
  private static final List<String> ASIDES =
      List.of(
          "My coworker just started {craft} too, small world.", "My cousin ran a {race} last year and still talks about it.",
          "I keep seeing ads for trips to {city}.", "My neighbour's {animal} got out again this morning.",
          "Someone at work keeps playing the {instrument} during lunch.", "I walked past the {place} on my way home.",
          "My sister keeps telling me to read \"{title}\".", "I saw a video of someone making {dish}, looked hard.");

  private final List<Conversation> conversations = new ArrayList<>();
  private final List<Question> questions = new ArrayList<>();

  List<Conversation> conversations() {
    return conversations;
  }

  List<Question> questions() {
    return questions;
  }

  /** A told event: who, what kind, the drawn slot values and the turns that tell it. */
  private static final class Event {
    final String speaker;
    final FactKind kind;
    final Map<String, String> values;
    final String time;
    String statementTurn;
    String detailTurn;

    Event(String speaker, FactKind kind, Map<String, String> values, String time) {
      this.speaker = speaker;
      this.kind = kind;
      this.values = values;
      this.time = time;
    }
  }

  /**
   * Generates {@code count} conversations of {@code sessions} sessions each, with their questions.
   */
  static ChatCorpus generate(long seed, int count, int sessions, int eventsPerSpeaker) {
    return generate(seed, count, sessions, eventsPerSpeaker, 0);
  }

  /**
   * Generates {@code count} conversations of {@code sessions} sessions each, with their questions,
   * bringing up about {@code callbacks} (0..1) of the events again in a later session.
   */
  static ChatCorpus generate(long seed, int count, int sessions, int eventsPerSpeaker, double callbacks) {
    ChatCorpus corpus = new ChatCorpus();
    SplittableRandom random = new SplittableRandom(seed);
    for (int c = 1; c <= count; c++) {
      corpus.conversation(
          "chat-" + c, random.split(), new SplittableRandom(seed * 31 + c), callbacks, sessions, eventsPerSpeaker);
    }
    return corpus;
  }

  private void conversation(
      String id, SplittableRandom random, SplittableRandom callbackRandom, double callbacks, int sessionCount, int eventsPerSpeaker) {
    List<String> names = new ArrayList<>(NAMES);
    shuffle(names, random);
    String a = names.get(0);
    String b = names.get(1);
    List<Event> events = new ArrayList<>();
    events.addAll(events(a, random, eventsPerSpeaker));
    events.addAll(events(b, random, eventsPerSpeaker));
    shuffle(events, random);
    // Spread the events over the sessions, one or two (sometimes three) per session.
    List<List<Event>> perSession = new ArrayList<>();
    for (int s = 0; s < sessionCount; s++) {
      perSession.add(new ArrayList<>());
    }
    List<List<Event>> callbacksPerSession = new ArrayList<>();
    for (int s = 0; s < sessionCount; s++) {
      callbacksPerSession.add(new ArrayList<>());
    }
    for (int i = 0; i < events.size(); i++) {
      int session = i < sessionCount ? i : random.nextInt(sessionCount);
      perSession.get(session).add(events.get(i));
      if (callbackRandom.nextDouble() < callbacks) {
        int later = session + 1 + callbackRandom.nextInt(4);
        if (later < sessionCount) {
          callbacksPerSession.get(later).add(events.get(i));
        }
      }
    }
    Instant date = Instant.parse("2023-01-05T10:00:00Z").plus(Duration.ofDays(random.nextInt(300)));
    List<Session> sessions = new ArrayList<>();
    for (int s = 1; s <= sessionCount; s++) {
      date = date.plus(Duration.ofDays(3 + random.nextInt(19))).plus(Duration.ofMinutes(random.nextInt(600) - 300));
      sessions.add(
          session(id, s, date, random, perSession.get(s - 1), callbackRandom, callbacksPerSession.get(s - 1), s % 2 == 1 ? a : b, s % 2 == 1 ? b : a));
    }
    conversations.add(new Conversation(id, List.of(a, b), sessions));
    questions(id, random, events, List.of(a, b));
  }

  private List<Event> events(String speaker, SplittableRandom random, int count) {
    List<FactKind> kinds = new ArrayList<>(FactCatalogue.KINDS);
    shuffle(kinds, random);
    List<Event> events = new ArrayList<>();
    int distinct = Math.min(kinds.size(), count * 3 / 4);
    for (int i = 0; i < count; i++) {
      // Most kinds once, a few twice with other values (two trips, two concerts...).
      FactKind kind = i < distinct ? kinds.get(i) : kinds.get(random.nextInt(distinct));
      Map<String, String> values = draw(kind, random);
      for (int attempt = 0; attempt < 10 && repeats(events, kind, values); attempt++) {
        values = draw(kind, random);
      }
      String time = random.nextDouble() < 0.8 ? TIMES.get(random.nextInt(TIMES.size())) : "";
      events.add(new Event(speaker, kind, values, time));
    }
    return events;
  }

  /** One value per slot, drawn in slot-name order so the same seed gives the same data. */
  private static Map<String, String> draw(FactKind kind, SplittableRandom random) {
    Map<String, String> values = new LinkedHashMap<>();
    kind.slots().keySet().stream()
        .sorted()
        .forEach(slot -> values.put(slot, pick(kind.slots().get(slot), random)));
    return values;
  }

  /** Whether the speaker already told an event of this kind with the same values. */
  private static boolean repeats(List<Event> events, FactKind kind, Map<String, String> values) {
    return events.stream().anyMatch(e -> e.kind == kind && e.values.equals(values));
  }

  private Session session(
      String conversation,
      int number,
      Instant date,
      SplittableRandom random,
      List<Event> events,
      SplittableRandom callbackRandom,
      List<Event> callbacks,
      String first,
      String second) {
    List<Turn> turns = new ArrayList<>();
    TurnWriter out = new TurnWriter(conversation, number, date, turns);
    out.say(first, fill(pick(GREETINGS, random), first, second));
    out.say(second, fill(pick(GREETING_REPLIES, random), second, first) + (random.nextDouble() < 0.5 ? " " + pick(FILLERS, random) : ""));
    if (random.nextDouble() < 0.5) {
      out.say(first, pick(FILLERS, random));
      out.say(second, pick(FILLERS, random));
    }
    for (Event e : callbacks) {
      String partner = e.speaker.equals(first) ? second : first;
      String done = e.kind.temporal().replace("When did {X} ", "").replace("?", "");
      int form = callbackRandom.nextInt(CALLBACK_QUESTIONS.size());
      out.say(partner, sentence(CALLBACK_QUESTIONS.get(form).replace("{vp}", done), e.values, "", e.speaker).replace(" my ", " your "));
      String answer = sentence(CALLBACK_ANSWERS.get(form).replace("{vp}", done), e.values, "", e.speaker);
      if (callbackRandom.nextDouble() < 0.3) {
        // A time in the answer that is not the event's: "telling my mom about it last night".
        answer += " I was just telling my mom about it " + pick(TIMES, callbackRandom) + ".";
      }
      out.say(e.speaker, answer);
    }
    for (Event e : events) {
      String partner = e.speaker.equals(first) ? second : first;
      e.statementTurn = out.say(e.speaker, wrap(sentence(pick(e.kind.statements(), random), e.values, e.time, e.speaker), random));
      if (random.nextDouble() < 0.7) {
        out.say(partner, fill(pick(e.kind.followUps(), random), partner, e.speaker));
        e.detailTurn = out.say(e.speaker, sentence(pick(e.kind.details(), random), e.values, "", e.speaker));
      }
      if (random.nextDouble() < 0.5) {
        out.say(partner, sentence(pick(e.kind.echo(), random), e.values, "", e.speaker));
      } else {
        out.say(partner, fill(pick(REACTIONS, random), partner, e.speaker) + (random.nextDouble() < 0.5 ? " " + pick(FILLERS, random) : ""));
      }
      if (random.nextDouble() < 0.3) {
        out.say(e.speaker, pick(FILLERS, random));
      }
    }
    if (random.nextDouble() < 0.5) {
      Map<String, String> values = new LinkedHashMap<>();
      FactCatalogue.KINDS.forEach(k -> draw(k, random).forEach(values::putIfAbsent));
      out.say(random.nextBoolean() ? first : second, sentence(pick(ASIDES, random), values, "", first));
    }
    out.say(first, fill(pick(FAREWELLS, random), first, second));
    out.say(second, fill(pick(FAREWELL_REPLIES, random), second, first));
    return new Session(number, date, turns);
  }

  private void questions(String conversation, SplittableRandom random, List<Event> events, List<String> speakers) {
    int[] count = {0};
    for (Event e : events) {
      questions.add(question(conversation, ++count[0], Type.SINGLE_HOP, sentence(pick(e.kind.questions(), random), e.values, "", e.speaker), List.of(e.statementTurn)));
      if (e.detailTurn != null && random.nextDouble() < 0.5) {
        questions.add(question(conversation, ++count[0], Type.SINGLE_HOP, sentence(pick(e.kind.detailQuestions(), random), e.values, "", e.speaker), List.of(e.detailTurn)));
      }
      if (!e.time.isEmpty() && random.nextDouble() < 0.6) {
        questions.add(question(conversation, ++count[0], Type.TEMPORAL, sentence(e.kind.temporal(), e.values, "", e.speaker), List.of(e.statementTurn)));
      }
    }
    for (String speaker : speakers) {
      Map<String, List<String>> byGroup = new LinkedHashMap<>();
      Map<String, List<String>> byDomain = new LinkedHashMap<>();
      for (Event e : events) {
        if (e.speaker.equals(speaker)) {
          byGroup.computeIfAbsent(e.kind.group(), g -> new ArrayList<>()).add(e.statementTurn);
          byDomain.computeIfAbsent(e.kind.domain(), g -> new ArrayList<>()).add(e.statementTurn);
        }
      }
      byGroup.forEach(
          (group, turns) -> {
            if (turns.size() >= 2 && FactCatalogue.GROUP_QUESTIONS.containsKey(group)) {
              questions.add(question(conversation, ++count[0], Type.MULTI_HOP, fill(pick(FactCatalogue.GROUP_QUESTIONS.get(group), random), speaker, ""), turns));
            }
          });
      byDomain.forEach(
          (domain, turns) -> {
            if (FactCatalogue.DOMAIN_QUESTIONS.containsKey(domain)) {
              questions.add(question(conversation, ++count[0], Type.OPEN_DOMAIN, fill(pick(FactCatalogue.DOMAIN_QUESTIONS.get(domain), random), speaker, ""), turns));
            }
          });
    }
  }

  private static Question question(String conversation, int n, Type type, String text, List<String> evidence) {
    // Slot values are told in the first person ("my sister"); a question asks about "their sister".
    String asked = text.replace(" my ", " their ").replace("\"My ", "\"Their ");
    return new Question(conversation + ":Q" + n, conversation, type, asked, List.copyOf(evidence));
  }

  /** Wraps a piece of news the way chat turns do: an opener, an afterthought, a question back. */
  private static String wrap(String news, SplittableRandom random) {
    StringBuilder turn = new StringBuilder();
    if (random.nextDouble() < 0.4) {
      turn.append(pick(OPENERS, random)).append(' ').append(Character.toLowerCase(news.charAt(0))).append(news.substring(1));
    } else {
      turn.append(news);
    }
    if (random.nextDouble() < 0.6) {
      turn.append(' ').append(pick(AFTERTHOUGHTS, random));
    }
    if (random.nextDouble() < 0.3) {
      turn.append(' ').append(pick(QUESTIONS_BACK, random));
    }
    return turn.toString();
  }

  /** Fills slots, the time phrase and the speaker's name into a template and tidies it up. */
  private static String sentence(String template, Map<String, String> values, String time, String speaker) {
    String text = template.replace("{X}", speaker);
    for (Map.Entry<String, String> v : values.entrySet()) {
      text = text.replace("{" + v.getKey() + "}", v.getValue());
    }
    text = text.replace("{t}", time).replaceAll(" +", " ").replace(" ,", ",").replace(" !", "!").replace(" .", ".").strip();
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static String fill(String template, String self, String other) {
    return template.replace("{A}", other).replace("{B}", other).replace("{X}", self);
  }

  private static <T> T pick(List<T> list, SplittableRandom random) {
    return list.get(random.nextInt(list.size()));
  }

  private static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, random.nextInt(i + 1));
    }
  }

  /** Appends turns to a session, numbering and timing them. */
  private static final class TurnWriter {
    private final String conversation;
    private final int session;
    private final Instant start;
    private final List<Turn> turns;

    TurnWriter(String conversation, int session, Instant start, List<Turn> turns) {
      this.conversation = conversation;
      this.session = session;
      this.start = start;
      this.turns = turns;
    }

    String say(String speaker, String text) {
      String id = conversation + ":D" + session + ":" + (turns.size() + 1);
      turns.add(new Turn(id, speaker, text, start.plusSeconds(40L * turns.size())));
      return id;
    }
  }
}
