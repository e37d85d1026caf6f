package dev.nerve.bench.memory.quality;

import java.util.List;
import java.util.Map;

/** The kinds of life events the generated conversations talk about. */
final class FactCatalogue {

  private FactCatalogue() {}

  static final List<FactKind> KINDS =
      List.of(
          new FactKind(
              "craft",
              "art",
              "hobbies",
              Map.of(
                  "craft", List.of("pottery", "watercolor painting", "woodworking", "candle making", "glassblowing", "knitting", "calligraphy"),
                  "reason", List.of("my grandma used to do it and I always loved watching her", "my therapist said I needed something calm to do with my hands", "a coworker kept showing me her pieces and I got jealous", "I wanted a hobby that has nothing to do with screens")),
              List.of(
                  "I took my first {craft} class {t} and I'm already hooked!",
                  "Guess what, I started {craft} lessons {t}.",
                  "So {t} I finally tried {craft}, it was so much fun.",
                  "I signed up for a {craft} workshop {t}, it was really relaxing."),
              List.of("Oh cool, what got you into that?", "How did you get into that?", "What made you want to try it?"),
              List.of("Honestly, {reason}.", "Well, {reason}.", "I guess {reason}."),
              List.of("What creative hobby did {X} pick up?", "What class did {X} start taking?", "What did {X} try in the class {X} signed up for?"),
              List.of("Why did {X} start {craft}?", "What got {X} interested in {craft}?"),
              "When did {X} start {craft}?",
              List.of("{craft}? That sounds so relaxing!", "Ooh {craft}, I've always wanted to try that.")),
          new FactKind(
              "pet",
              "animals",
              "family",
              Map.of(
                  "animal", List.of("puppy", "kitten", "rescue dog", "rabbit", "parrot", "senior cat"),
                  "name", List.of("Luna", "Max", "Biscuit", "Pepper", "Milo", "Daisy", "Oreo", "Ziggy"),
                  "habit", List.of("sleeps on my feet every night", "steals socks and hides them under the couch", "wakes me up at six sharp for breakfast", "is scared of the vacuum cleaner")),
              List.of(
                  "We adopted a {animal} {t}! We named her {name}.",
                  "Big news: {t} we brought home a {animal} called {name}.",
                  "I finally did it, {t} I adopted a {animal}. Meet {name}!"),
              List.of("Aww! How is she settling in?", "So cute! What is she like?", "How's she doing at home?"),
              List.of("She {habit}, it's hilarious.", "Great! She {habit}.", "Honestly she already rules the house, she {habit}."),
              List.of("What is the name of {X}'s {animal}?", "What did {X} name the new pet?", "What kind of animal did {X} adopt?"),
              List.of("What funny habit does {X}'s {animal} have?", "How is {name} behaving at {X}'s home?"),
              "When did {X} adopt {name}?",
              List.of("A {animal}! My neighbour's {animal} barks all night, haha.", "I love {animal}s, send me pictures!")),
          new FactKind(
              "race",
              "fitness",
              "sports",
              Map.of(
                  "race", List.of("5K", "half marathon", "charity bike ride", "sprint triathlon", "10K trail run"),
                  "city", List.of("Boston", "Portland", "Denver", "Chicago", "San Diego", "Austin"),
                  "time", List.of("just under two hours", "a personal best", "52 minutes", "way slower than I hoped"),
                  "training", List.of("I trained every morning before work for three months", "I followed a plan from an app and skipped almost no sessions", "my sister dragged me along to every practice")),
              List.of(
                  "I ran a {race} in {city} {t}, finished in {time}!",
                  "{t} I did the {race} in {city}. My legs are still sore.",
                  "Did I tell you? I completed a {race} in {city} {t}."),
              List.of("Wow, how did you prepare for it?", "That's impressive, how did you train?"),
              List.of("{training}.", "Not gonna lie, {training}."),
              List.of("What race did {X} complete in {city}?", "Which event did {X} take part in in {city}?", "What was {X}'s finishing time in the {race}?"),
              List.of("How did {X} prepare for the {race}?", "How did {X} train for the race in {city}?"),
              "When did {X} do the {race} in {city}?",
              List.of("A {race}? I could never, I get tired walking to the car.", "{city} is a great city for a {race}!")),
          new FactKind(
              "trip",
              "travel",
              "places",
              Map.of(
                  "city", List.of("Lisbon", "Kyoto", "Montreal", "Cape Town", "Reykjavik", "Prague", "Oaxaca", "Edinburgh", "Hanoi"),
                  "companion", List.of("my sister", "my parents", "my best friend", "my partner", "my college roommate"),
                  "highlight", List.of("a sunset boat tour", "the street food market", "a day trip to hot springs", "a tiny jazz bar we found by accident", "hiking up to an old castle")),
              List.of(
                  "Just got back from {city} with {companion}, we left {t}.",
                  "{t} I flew to {city} with {companion}, what a trip.",
                  "I spent a week in {city} with {companion}, we got back {t}."),
              List.of("Amazing! What was the best part?", "Ooh, what was the highlight?", "What did you love most?"),
              List.of("Definitely {highlight}.", "Hands down {highlight}, I'd go back just for that.", "{highlight}, it was unforgettable."),
              List.of("Which city did {X} visit with {companion}?", "Where did {X} fly to with {companion}?", "Who went with {X} to {city}?"),
              List.of("What was the highlight of {X}'s trip to {city}?", "What did {X} enjoy most in {city}?"),
              "When did {X} travel to {city}?",
              List.of("{city}! I've always wanted to go there.", "My cousin lived in {city} for a year, she loved it.")),
          new FactKind(
              "job",
              "career",
              "work",
              Map.of(
                  "role", List.of("school counselor", "nurse", "software tester", "high school chemistry teacher", "social worker", "landscape architect"),
                  "org", List.of("Riverside Hospital", "Lincoln High", "a small startup downtown", "the county youth center", "Greenleaf Design"),
                  "why", List.of("I want to help kids who feel like nobody listens to them", "the hours finally let me see my family", "I wanted work that actually matters to people", "the team felt like people I could learn from")),
              List.of(
                  "I got an offer to work as a {role} at {org} {t}!",
                  "{t} I accepted a job as a {role} at {org}.",
                  "Big update, I'm starting as a {role} at {org}, they called me {t}."),
              List.of("Congrats!! Why that job?", "That's huge, what made you go for it?"),
              List.of("Because {why}.", "Mostly because {why}."),
              List.of("What job did {X} accept?", "Where is {X} going to work as a {role}?", "What job offer did {X} get at {org}?"),
              List.of("Why did {X} take the job at {org}?", "What made {X} want to become a {role}?"),
              "When did {X} get the job offer from {org}?",
              List.of("A {role}? You'll be great at that.", "I heard {org} is a nice place to work.")),
          new FactKind(
              "book",
              "reading",
              "culture",
              Map.of(
                  "title", List.of("The Lighthouse Keeper's Daughter", "Salt and Static", "A River Between Us", "The Clockmaker's Garden", "Letters from Nowhere", "Small Hours"),
                  "about", List.of("a woman who rebuilds her family's orchard after a fire", "two brothers who stop speaking for twenty years", "a detective who can't remember faces", "a town that disappears every winter")),
              List.of(
                  "I finished reading \"{title}\" {t}, couldn't put it down.",
                  "{t} I stayed up until 2am finishing \"{title}\".",
                  "Have you read \"{title}\"? I finished it {t}."),
              List.of("What's it about?", "Ooh, what's the story?"),
              List.of("It's about {about}.", "It follows {about}, so good."),
              List.of("What book did {X} finish reading?", "Which novel kept {X} up at night?", "What was the title of the book {X} was reading?"),
              List.of("What is the book {X} read about?", "What is the plot of \"{title}\"?"),
              "When did {X} finish reading \"{title}\"?",
              List.of("I keep hearing about \"{title}\"!", "Adding \"{title}\" to my list.")),
          new FactKind(
              "volunteer",
              "community",
              "helping",
              Map.of(
                  "place", List.of("animal shelter", "food bank", "homeless shelter", "community garden", "children's hospital", "senior center"),
                  "task", List.of("sorting donations for six hours", "reading stories to the kids", "walking dogs that nobody has adopted yet", "serving breakfast to about a hundred people", "fixing the raised beds")),
              List.of(
                  "I volunteered at the {place} {t}.",
                  "{t} I spent the day helping out at the {place}.",
                  "I started volunteering at the {place}, my first shift was {t}."),
              List.of("That's so kind, what did you do there?", "What kind of work do they have you doing?"),
              List.of("Mostly {task}.", "I was {task}, exhausting but worth it."),
              List.of("Where did {X} volunteer?", "Where did {X} spend the day helping out?"),
              List.of("What did {X} do while volunteering at the {place}?", "What task did {X} do at the {place}?"),
              "When did {X} volunteer at the {place}?",
              List.of("The {place} near me always needs people.", "I should volunteer at a {place} too.")),
          new FactKind(
              "instrument",
              "music",
              "hobbies",
              Map.of(
                  "instrument", List.of("cello", "ukulele", "piano", "drum kit", "violin", "saxophone"),
                  "song", List.of("Moon River", "a Beatles medley", "the theme from Game of Thrones", "Hallelujah", "an old Irish folk tune")),
              List.of(
                  "I bought a used {instrument} {t} and I practice every evening.",
                  "{t} I had my first {instrument} lesson!",
                  "So I finally started learning the {instrument}, I picked it up {t}."),
              List.of("Can you play anything yet?", "What are you trying to learn first?"),
              List.of("I can almost get through {song}.", "I'm working on {song}, slowly."),
              List.of("What instrument is {X} learning?", "Which instrument did {X} buy?", "What musical instrument does {X} practice?"),
              List.of("What song is {X} learning to play?", "Which piece is {X} practicing on the {instrument}?"),
              "When did {X} start learning the {instrument}?",
              List.of("The {instrument}! My dad played the {instrument} in a band.", "I tried the {instrument} once, so hard.")),
          new FactKind(
              "concert",
              "music",
              "events",
              Map.of(
                  "band", List.of("The Paper Lanterns", "Velvet Harbor", "Northbound Static", "Luna Park Orchestra", "The Quiet Foxes"),
                  "moment", List.of("they played our song as the encore", "the whole crowd sang the last chorus", "it started pouring and nobody left", "the singer jumped into the crowd")),
              List.of(
                  "I saw {band} live {t}, the crowd was insane.",
                  "{t} we went to the {band} concert!",
                  "Went to see {band} {t}, best show of my life."),
              List.of("No way, how was it?", "Ahh jealous! What was it like?"),
              List.of("Unreal, {moment}.", "So good, {moment}."),
              List.of("Which band did {X} see live?", "What concert did {X} go to?"),
              List.of("What happened at the concert {X} went to?", "What was memorable about the {band} show?"),
              "When did {X} see {band} live?",
              List.of("{band} are touring again? I love them.", "I saw {band} years ago!")),
          new FactKind(
              "cooking",
              "cooking",
              "food",
              Map.of(
                  "dish", List.of("lasagna", "pad thai", "sourdough bread", "ramen", "paella", "dumplings"),
                  "result", List.of("it came out burnt on one side", "my kids asked for seconds", "it took six hours but it was worth it", "I set off the smoke alarm twice")),
              List.of(
                  "I tried making {dish} from scratch {t}.",
                  "{t} I cooked {dish} for the whole family.",
                  "Attempted homemade {dish} {t}!"),
              List.of("How did it turn out?", "Was it any good?"),
              List.of("Well, {result}.", "Haha, {result}."),
              List.of("What dish did {X} make from scratch?", "What did {X} try cooking?"),
              List.of("How did {X}'s {dish} turn out?", "What happened when {X} made {dish}?"),
              "When did {X} make {dish}?",
              List.of("Homemade {dish}? Save me some!", "I love {dish}, I only ever order it.")),
          new FactKind(
              "familyEvent",
              "family",
              "family",
              Map.of(
                  "event", List.of("my daughter's graduation", "my parents' 40th anniversary", "my nephew's fifth birthday", "my brother's wedding", "my grandma's 90th birthday"),
                  "memory", List.of("everyone cried during the speeches", "we danced until midnight in the backyard", "my dad finally told the story of how they met", "the kids organized a little show")),
              List.of(
                  "We celebrated {event} {t}.",
                  "{t} was {event}, such a special day.",
                  "The whole family got together for {event} {t}."),
              List.of("Aww, how was it?", "That sounds lovely, how did it go?"),
              List.of("Beautiful, {memory}.", "It was perfect, {memory}."),
              List.of("What did {X}'s family celebrate?", "What did the whole family get together for?"),
              List.of("What happened at {event} according to {X}?", "What was special about {X}'s family celebration?"),
              "When did {X} celebrate {event}?",
              List.of("Family gatherings are the best.", "I miss big family parties like that.")),
          new FactKind(
              "camping",
              "outdoors",
              "places",
              Map.of(
                  "place", List.of("Yosemite", "the Smoky Mountains", "Lake Tahoe", "the Rockies", "Big Sur", "Acadia"),
                  "sight", List.of("we saw a black bear near the trail", "the stars were unreal without city lights", "we watched the sunrise from the summit", "it snowed in the middle of June")),
              List.of(
                  "We went camping at {place} {t}.",
                  "{t} we drove up to {place} and camped for three nights.",
                  "I just got back from a hiking trip at {place}, we left {t}."),
              List.of("So fun! Did you see anything cool?", "How was being out in nature?"),
              List.of("Yes, {sight}!", "Amazing, {sight}."),
              List.of("Where did {X} go camping?", "Where did {X} go hiking and camping?"),
              List.of("What did {X} see while camping at {place}?", "What was memorable about {X}'s camping trip?"),
              "When did {X} go camping at {place}?",
              List.of("{place} is gorgeous this time of year.", "I haven't been camping in years.")),
          new FactKind(
              "course",
              "learning",
              "learning",
              Map.of(
                  "subject", List.of("Spanish", "photography", "data science", "sign language", "first aid", "Japanese"),
                  "goal", List.of("I want to be able to talk to my in-laws", "I'm hoping it helps me switch careers", "I want to teach it to my kids", "it's something I promised myself I'd do this year")),
              List.of(
                  "I enrolled in an online {subject} course {t}.",
                  "{t} I started a {subject} class at the community college.",
                  "New thing: I'm taking {subject} classes, the first one was {t}."),
              List.of("Oh nice, what made you sign up?", "Why now?"),
              List.of("Because {goal}.", "Honestly, {goal}."),
              List.of("What course did {X} enroll in?", "What classes is {X} taking?"),
              List.of("Why did {X} sign up for the {subject} class?", "What is {X}'s goal with learning {subject}?"),
              "When did {X} start the {subject} course?",
              List.of("{subject}? That's so useful.", "I took {subject} in school and forgot everything.")),
          new FactKind(
              "garden",
              "outdoors",
              "home",
              Map.of(
                  "plants", List.of("tomatoes and basil", "sunflowers", "a little apple tree", "strawberries", "lavender along the fence"),
                  "pest", List.of("the squirrels keep digging everything up", "the slugs ate half of it", "our dog trampled the whole bed", "we had a heat wave right after")),
              List.of(
                  "I planted {plants} in the backyard {t}.",
                  "{t} I spent all day planting {plants}.",
                  "Started a garden! Put in {plants} {t}."),
              List.of("How is it growing?", "Is it doing ok?"),
              List.of("Struggling, {pest}.", "So-so, {pest}."),
              List.of("What did {X} plant in the garden?", "What did {X} plant in the backyard?"),
              List.of("What problem does {X}'s garden have?", "What happened to the {plants} {X} planted?"),
              "When did {X} plant {plants}?",
              List.of("Fresh {plants}, jealous!", "My {plants} never survive.")),
          new FactKind(
              "support",
              "community",
              "helping",
              Map.of(
                  "group", List.of("LGBTQ support group", "grief support circle", "new parents meetup", "cancer survivors' walk", "veterans' coffee morning"),
                  "feeling", List.of("it felt good to be around people who get it", "I actually shared my story for the first time", "I left feeling lighter than I have in months", "someone there gave me really good advice")),
              List.of(
                  "I went to a {group} {t}.",
                  "{t} I finally joined the {group} I told you about.",
                  "I attended the {group} {t}, it was powerful."),
              List.of("How did that feel?", "I'm proud of you. How was it?"),
              List.of("Honestly, {feeling}.", "Really good, {feeling}."),
              List.of("What group did {X} attend?", "What did {X} finally join?"),
              List.of("How did {X} feel after the {group}?", "What was {X}'s experience at the {group}?"),
              "When did {X} go to the {group}?",
              List.of("A {group} sounds really meaningful.", "I'm glad groups like that exist.")),
          new FactKind(
              "move",
              "home",
              "places",
              Map.of(
                  "where", List.of("a new apartment near the river", "a little house in Maple Grove", "a loft downtown", "my aunt's old farmhouse"),
                  "best", List.of("the kitchen gets sunlight all morning", "I can finally walk to work", "there's a park right across the street", "we have a spare room for guests")),
              List.of(
                  "We finally moved into {where} {t}.",
                  "{t} was moving day, we're now in {where}.",
                  "Moved into {where} {t}, boxes everywhere!"),
              List.of("Congrats! What do you like about it?", "How's the new place?"),
              List.of("Love it, {best}.", "The best part is {best}."),
              List.of("Where did {X} move to?", "What place did {X} move into?"),
              List.of("What does {X} like about the new home?", "What is the best thing about {X}'s new place?"),
              "When did {X} move?",
              List.of("Moving is the worst, good luck unpacking!", "Can't wait to see {where}!")));

  /** Open-domain questions per domain, worded without the facts' own words. */
  static final Map<String, List<String>> DOMAIN_QUESTIONS =
      Map.ofEntries(
          Map.entry("art", List.of("Would {X} enjoy a gift card for an art supply store?", "Is {X} a creative person?")),
          Map.entry("animals", List.of("Is {X} an animal lover?", "Would {X} be a good person to pet-sit for a weekend?")),
          Map.entry("fitness", List.of("Does {X} care about staying physically active?", "Would {X} like a gym membership as a present?")),
          Map.entry("travel", List.of("Would {X} be excited about an international vacation?", "Does {X} enjoy exploring other countries?")),
          Map.entry("career", List.of("What motivates {X} in their working life?", "What kind of profession suits {X}?")),
          Map.entry("reading", List.of("Would {X} enjoy joining a literature club?", "Does {X} like fiction?")),
          Map.entry("community", List.of("Is {X} someone who gives back to others?", "Does {X} value being part of a community?")),
          Map.entry("music", List.of("Is {X} a musical person?", "Would {X} like tickets to a live show as a gift?")),
          Map.entry("cooking", List.of("Does {X} enjoy spending time in the kitchen?", "Would {X} like a recipe book as a present?")),
          Map.entry("family", List.of("How important are relatives to {X}?", "Does {X} have a close-knit family?")),
          Map.entry("outdoors", List.of("Does {X} like spending time in nature?", "Would {X} enjoy a weekend away from the city?")),
          Map.entry("learning", List.of("Is {X} someone who likes to keep studying new things?", "Would {X} be interested in an evening class?")),
          Map.entry("home", List.of("Has {X}'s living situation changed recently?", "What is {X}'s home life like lately?")));

  /** Multi-hop questions per group, answered by every fact of the group told by one speaker. */
  static final Map<String, List<String>> GROUP_QUESTIONS =
      Map.ofEntries(
          Map.entry("hobbies", List.of("What hobbies has {X} taken up?", "What new activities has {X} started doing in their free time?")),
          Map.entry("places", List.of("What places has {X} been to?", "Where has {X} traveled or stayed recently?")),
          Map.entry("helping", List.of("In what ways has {X} been involved with helping others or support groups?", "What community activities has {X} joined?")),
          Map.entry("family", List.of("What has happened in {X}'s family life?", "What family news has {X} shared?")),
          Map.entry("sports", List.of("What athletic events has {X} done?", "What races has {X} taken part in?")),
          Map.entry("events", List.of("What shows or events has {X} gone to?", "What live music has {X} seen?")),
          Map.entry("culture", List.of("What has {X} been reading?", "What books has {X} mentioned?")),
          Map.entry("food", List.of("What has {X} cooked?", "What dishes has {X} made?")),
          Map.entry("learning", List.of("What has {X} been studying?", "What classes has {X} enrolled in?")),
          Map.entry("work", List.of("What has changed in {X}'s career?", "What jobs has {X} been offered?")),
          Map.entry("home", List.of("What has {X} been doing around the house?", "What home projects has {X} mentioned?")));
}
