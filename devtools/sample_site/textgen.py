"""Seeded generator of plausible local-news English (no copyrighted text).

Pure functions of a ``random.Random``: the same generator state gives the same story.
Everything is plain ASCII (straight quotes, no dashes beyond ``-``) so any page can be
encoded in ISO-8859-1 as well as UTF-8.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

PLACES = (
    "Riverton",
    "Oakridge",
    "Millbrook",
    "Eastbridge",
    "Harbor Point",
    "Cedar Falls",
    "Westvale",
    "Northgate",
    "Lakeside",
    "Stonehill",
    "Pine Hollow",
    "Fairhaven",
    "Brookfield",
    "Ashford",
    "Greenmoor",
    "Kingsport",
    "Maple Grove",
    "Silverton",
    "Highcliff",
    "Redwater",
)
FIRST_NAMES = (
    "Ann",
    "Bo",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "James",
    "Kemal",
    "Laura",
    "Marcus",
    "Nadia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tara",
    "Umar",
    "Vera",
    "Walter",
    "Xiu",
    "Yusuf",
    "Zoe",
    "Helen",
    "Peter",
    "Maria",
    "Tomas",
    "Leila",
    "Owen",
    "Chloe",
    "Ravi",
    "Sofia",
    "Daniel",
    "Mei",
    "Lucas",
    "Amara",
)
LAST_NAMES = (
    "Lee",
    "Chen",
    "Diaz",
    "Okafor",
    "Novak",
    "Patel",
    "Schmidt",
    "Kowalski",
    "Haddad",
    "Brennan",
    "Tanaka",
    "Silva",
    "Murphy",
    "Larsen",
    "Moreau",
    "Rossi",
    "Nguyen",
    "Fischer",
    "Walsh",
    "Hughes",
    "Romero",
    "Kim",
    "Baker",
    "Foster",
    "Grant",
    "Adeyemi",
    "Lindqvist",
    "Costa",
    "Morgan",
    "Reyes",
    "Sato",
    "Price",
    "Hale",
    "Banerjee",
    "Keller",
)
ROLES = (
    "a spokesperson for the city",
    "a spokesperson for the county",
    "the deputy mayor",
    "a member of the city council",
    "chair of the local residents' association",
    "a professor of economics at {place} University",
    "the head teacher at {place} Primary",
    "director of the {place} Chamber of Commerce",
    "a senior engineer with the water board",
    "a nurse at {place} General Hospital",
    "owner of a bakery on Main Street",
    "the fire chief",
    "a local historian",
    "a union representative",
    "coach of the {place} Rovers",
    "a volunteer at the food bank",
    "the police commissioner",
    "a transport planner",
    "an environmental campaigner",
    "a first-time home buyer",
)


@dataclass(frozen=True, slots=True)
class Topic:
    """A news beat: its section, headline patterns and its own vocabulary."""

    name: str
    section: str
    headlines: tuple[str, ...]
    things: tuple[str, ...]
    sentences: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "council",
        "news",
        (
            "{place} council approves {money} plan for {thing}",
            "Councillors in {place} split over {thing}",
            "{place} to hold public vote on {thing}",
            "Mayor of {place} defends spending on {thing}",
        ),
        (
            "a new footbridge",
            "the old library site",
            "street lighting",
            "a community centre",
            "the harbour front",
            "parking charges",
            "the town hall roof",
            "cycle lanes",
        ),
        (
            "The council voted {n1} to {n2} on {weekday} evening after a debate that lasted almost {hours} hours.",
            "Officials said the work on {thing} would begin in {month} and take about {n3} months.",
            "Opposition members argued that the {money} would be better spent on road repairs.",
            "A consultation last year drew more than {big} responses from residents.",
            "The budget for {thing} had already been cut once, in {year_prev}.",
            "Several residents spoke during the public session, most of them in favour.",
            "The decision still needs the approval of the regional planning office.",
            "Council staff will publish a detailed timetable on the city website next week.",
        ),
    ),
    Topic(
        "transport",
        "news",
        (
            "New bus timetable for {place} starts on {weekday}",
            "Rail line between {place} and {place2} to close for repairs",
            "Commuters in {place} face delays as {thing} is rebuilt",
            "{place} unveils plan to cut traffic on {thing}",
        ),
        (
            "the ring road",
            "the main station",
            "the river crossing",
            "the northern bypass",
            "the tram depot",
            "the ferry terminal",
            "the airport link",
            "the bus interchange",
        ),
        (
            "Buses will run every {n3} minutes at peak times instead of every {n4}.",
            "The operator said replacement buses would serve all stations between {place} and {place2}.",
            "Traffic counts show about {big} vehicles use {thing} on a typical weekday.",
            "Passenger numbers have risen by {pct} percent since the spring.",
            "Engineers found cracks in the supports of {thing} during a routine inspection in {month}.",
            "Cyclists have long complained about the junction near {thing}.",
            "The transport authority expects the work to cost around {money}.",
            "Ticket prices will stay the same until at least the end of the year.",
        ),
    ),
    Topic(
        "housing",
        "business",
        (
            "House prices in {place} rise for {ordinal} month in a row",
            "{n_big} new homes planned on edge of {place}",
            "Renters in {place} struggle as costs climb",
            "Developer wins approval for {thing} in {place}",
        ),
        (
            "the former paper mill",
            "a riverside apartment block",
            "affordable flats",
            "the old barracks site",
            "student housing",
            "a retirement village",
        ),
        (
            "The average price of a home in {place} is now about {money}, according to figures released on {weekday}.",
            "Estate agents say demand from young families remains strong despite higher interest rates.",
            "Around {pct} percent of the new homes will be offered at below-market rents.",
            "Neighbours have raised concerns about traffic and the loss of green space near {thing}.",
            "The developer said construction could start as early as {month}.",
            "Average rents have gone up by {pct} percent over the past twelve months.",
            "The planning committee attached {n3} conditions to its approval.",
            "Local builders say they cannot find enough skilled workers to meet the demand.",
        ),
    ),
    Topic(
        "schools",
        "news",
        (
            "{place} school wins national science prize",
            "Parents in {place} protest against closure of {thing}",
            "New head teacher sets out plans for {thing}",
            "Exam results improve across {place} schools",
        ),
        (
            "the village primary school",
            "the music programme",
            "the school library",
            "the after-school club",
            "the sports hall",
            "free school meals",
        ),
        (
            "The school has about {n_big} pupils and {n3} classrooms.",
            "Pupils spent {n3} months building the project in an after-school club.",
            "Parents collected more than {big} signatures on a petition in less than a week.",
            "The education department said falling pupil numbers made {thing} hard to sustain.",
            "Teachers said the results reflected years of steady work rather than a single change.",
            "The school will hold an open evening for families on {weekday}.",
            "Funding for {thing} has been frozen for the past {n2} years.",
            "A decision on the future of {thing} is expected before the summer holidays.",
        ),
    ),
    Topic(
        "health",
        "news",
        (
            "Waiting times fall at {place} General Hospital",
            "New clinic opens in {place} to ease pressure on {thing}",
            "{place} hospital appeals for blood donors",
            "Flu cases rise across {place} ahead of winter",
        ),
        (
            "the emergency department",
            "family doctors",
            "the maternity ward",
            "the children's ward",
            "mental health services",
            "the ambulance service",
        ),
        (
            "Patients waited an average of {n3} hours in {month}, down from {n4} hours a year earlier.",
            "The hospital has recruited {n_big} additional nurses since the start of the year.",
            "Health officials urged people over 65 to book their vaccinations early.",
            "The new clinic will be open seven days a week and will not require an appointment.",
            "Staff shortages have put {thing} under heavy strain, according to a recent report.",
            "Donors can book a slot online or simply turn up at the community centre.",
            "The regional health board approved {money} for the project last spring.",
            "Doctors said the number of serious cases so far remains lower than last winter.",
        ),
    ),
    Topic(
        "weather",
        "news",
        (
            "Storm brings flooding to low-lying parts of {place}",
            "Heatwave warning issued for {place} and {place2}",
            "Heavy snow closes roads around {place}",
            "Clean-up begins in {place} after strong winds",
        ),
        (
            "the river path",
            "the coastal road",
            "the old town",
            "the market square",
            "several schools",
            "the allotments",
        ),
        (
            "Forecasters recorded {n3} centimetres of rain in less than {n2} hours.",
            "Emergency crews were called to more than {n_big} incidents overnight.",
            "Residents were advised to avoid {thing} until the water level falls.",
            "Temperatures are expected to reach {n_temp} degrees on {weekday} afternoon.",
            "The weather service said conditions should ease by the end of the week.",
            "Volunteers handed out sandbags from the fire station on {weekday} morning.",
            "Power was cut to about {big} homes for several hours.",
            "Farmers said the timing could hardly be worse for the harvest.",
        ),
    ),
    Topic(
        "business",
        "business",
        (
            "{place} factory to create {n_big} jobs",
            "Family bakery in {place} celebrates {n3}0 years",
            "Tech start-up from {place} raises {money}",
            "Shops in {place} report strong start to holiday season",
        ),
        (
            "the high street",
            "the business park",
            "the old brewery",
            "the market hall",
            "the harbour warehouses",
            "the shopping centre",
        ),
        (
            "The company said it would start hiring in {month}, mostly for technical roles.",
            "Sales were up {pct} percent on the same period last year, according to the trade association.",
            "The founders started the business in a garage in {place} in {year_prev}.",
            "Rents on {thing} have made it hard for independent shops to survive.",
            "The investment will be used to open a second site and hire about {n2}0 staff.",
            "Local suppliers are expected to benefit from the expansion.",
            "The firm now exports to {n3} countries, mainly in Europe.",
            "Business owners said higher energy bills remain their biggest worry.",
        ),
    ),
    Topic(
        "sport",
        "sport",
        (
            "{place} Rovers beat {place2} United {n3}-{n2} in local derby",
            "Marathon returns to {place} streets after {n3}-year break",
            "{place} swimmer qualifies for national championships",
            "Late goal keeps {place} Athletic in the title race",
        ),
        (
            "the new stadium",
            "the youth academy",
            "the athletics track",
            "the club house",
            "the indoor pool",
            "the cup run",
        ),
        (
            "The home side took the lead after {n4} minutes through a header from close range.",
            "A crowd of about {big} watched the match despite the cold weather.",
            "The manager praised the players for their patience in the second half.",
            "Organisers expect more than {big} runners to take part this year.",
            "The club plans to spend {money} on {thing} over the next two seasons.",
            "She trains six mornings a week before school at the municipal pool.",
            "Tickets for the next home game go on sale on {weekday}.",
            "The result moves the team up to {ordinal} place in the table.",
        ),
    ),
    Topic(
        "culture",
        "culture",
        (
            "Arts festival draws record crowds to {place}",
            "{place} museum reopens after {money} renovation",
            "Local choir from {place} wins regional contest",
            "Open-air cinema returns to {thing} in {place}",
        ),
        (
            "the riverside park",
            "the old theatre",
            "the castle grounds",
            "the town square",
            "the public library",
            "the harbour front",
        ),
        (
            "More than {big} visitors attended over the {n2} days of the festival.",
            "The renovation restored the original ceiling and added a new lift.",
            "The programme includes concerts, readings and a children's workshop.",
            "Entry to the exhibition is free for residents on the first {weekday} of every month.",
            "Organisers said the event had raised {money} for local charities.",
            "The choir has {n2}0 members, the youngest of them just sixteen.",
            "Screenings at {thing} start at dusk, and visitors are asked to bring their own chairs.",
            "The museum's collection includes more than {big} objects from the region.",
        ),
    ),
    Topic(
        "environment",
        "news",
        (
            "{place} plants {n_big} trees along {thing}",
            "River clean-up in {place} removes tonnes of rubbish",
            "{place} sets target to cut emissions by {pct} percent",
            "Solar panels to cover roof of {thing} in {place}",
        ),
        (
            "the ring road",
            "the school playing fields",
            "the sports centre",
            "the old canal",
            "the council depot",
            "the bus station",
        ),
        (
            "Volunteers collected more than {n3} tonnes of waste from the river banks in a single weekend.",
            "The city expects the panels to supply about {pct} percent of the building's electricity.",
            "Campaigners welcomed the plan but said the timetable was not ambitious enough.",
            "The trees were chosen because they cope well with dry summers and heavy rain.",
            "Air quality near {thing} has improved since the speed limit was lowered.",
            "The project is paid for partly by a national climate fund.",
            "A survey found that {pct} percent of residents support more cycle lanes.",
            "The council will report on its progress every year in {month}.",
        ),
    ),
)

QUOTES = (
    "We knew this day would come, we just did not know when",
    "Everyone I have spoken to is worried about the cost",
    "We want to get this right rather than do it fast",
    "The people of {place} deserve better than this",
    "I am confident we will find a solution together",
    "It has been a difficult year for many families",
    "We are asking for patience while the work is done",
    "There is no quick fix, and anyone who says otherwise is wrong",
    "It is the best news we have had in years",
    "We have been raising this for a long time",
    "We have listened carefully to residents and we think this is the right balance",
    "Nobody expected it to happen this quickly",
    "It is a good day for {place}, but there is still a lot of work to do",
    "People here have waited a long time for this",
    "We simply do not have the money to do everything at once",
    "I have lived here for {n2}0 years and I have never seen anything like it",
    "The numbers speak for themselves",
    "Our priority is to keep people safe",
    "This is about the next generation, not about us",
    "We will keep pushing until the job is done",
    "It is frustrating, but we understand why it has to be done",
    "We are proud of what the team has achieved",
    "There are still questions that need answers",
    "It was a team effort from start to finish",
)
GENERIC = (
    "The announcement was made at a press conference in {place} on {weekday}.",
    "Details of the plan were first reported by local media earlier this month.",
    "A final decision is expected within the next {n3} weeks.",
    "Similar schemes have been tried in {place2} with mixed results.",
    "The figures were published in a report released on {weekday}.",
    "Residents can comment on the proposals until the end of {month}.",
    "It is not the first time the issue has come up in {place}.",
    "The organisers thanked the volunteers who made the day possible.",
    "A public meeting will be held at the community centre next {weekday}.",
    "Officials declined to give a precise timetable.",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class StoryHead:
    """What a story is about and who wrote it; cheap to make (no body text)."""

    topic: Topic
    place: str
    title: str
    authors: tuple[str, ...]
    thing: str
    year_prev: str

    @property
    def context(self) -> dict[str, str]:
        return {"place": self.place, "thing": self.thing, "year_prev": self.year_prev}


def person(rng: random.Random) -> str:
    """A fictional full name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _fill(template: str, rng: random.Random, ctx: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in ctx:
            return ctx[key]
        if key == "money":
            if rng.random() < 0.6:
                return f"${rng.randint(2, 95)} million"
            return f"{rng.randint(150, 990)},000 dollars"
        if key == "n1":
            return str(rng.randint(7, 15))
        if key in ("n2", "n3", "n4"):
            return str(rng.randint(2, 9) if key != "n4" else rng.randint(11, 48))
        if key == "n_big":
            return str(rng.randint(12, 480))
        if key == "big":
            return f"{rng.randint(1, 40)},{rng.randint(0, 999):03d}"
        if key == "pct":
            return str(rng.randint(3, 45))
        if key == "n_temp":
            return str(rng.randint(29, 38))
        if key == "hours":
            return rng.choice(("three", "four", "five", "six"))
        if key == "ordinal":
            return rng.choice(("third", "fourth", "fifth", "sixth", "seventh", "eighth"))
        if key == "month":
            return rng.choice(MONTHS)
        if key == "weekday":
            return rng.choice(WEEKDAYS)
        if key == "place2":
            return rng.choice([p for p in PLACES if p != ctx.get("place")])
        return key

    return _SLOT.sub(value, template)


SUBJECTS = (
    "The council",
    "Local officials",
    "Residents",
    "The regional government",
    "A group of parents",
    "Business owners",
    "The operator",
    "Campaigners",
    "Volunteers",
    "Engineers",
    "The police",
    "The hospital trust",
    "Organisers",
    "The planning committee",
    "Shopkeepers",
    "Farmers",
    "Students",
    "The water board",
    "Opposition councillors",
    "The mayor's office",
    "Neighbourhood groups",
    "Union leaders",
    "The fire service",
    "Community leaders",
    "Independent experts",
    "The national ministry",
    "Church leaders",
    "Local teachers",
)
PREDICATES = (
    "approved {money} for {thing}",
    "raised fresh concerns about {thing}",
    "called for an independent review of {thing}",
    "promised to publish the full figures by {month}",
    "spent {n3} weeks studying proposals for {thing}",
    "asked for more time to consult people living near {thing}",
    "met representatives from {place2} to compare notes on {thing}",
    "warned that the cost of {thing} could rise again",
    "welcomed the decision but said more detail was needed",
    "set up a working group to look at {thing}",
    "wrote to the regional government about {thing}",
    "collected {big} signatures in support of {thing}",
    "questioned whether {thing} was still the best option",
    "agreed to meet again before the end of {month}",
    "pointed to rising costs across the whole region",
    "said the timetable for {thing} was realistic",
    "criticised the lack of information about {thing}",
    "held an information evening on {thing} at the library",
    "published a survey of {n_big} households in {place}",
    "said they had been kept in the dark about {thing}",
    "hired outside consultants to assess {thing}",
    "gave a cautious welcome to the plans for {thing}",
    "rejected claims that {thing} had been mismanaged",
    "said that {thing} had been discussed for more than a decade",
    "asked people in {place} to share their views online",
    "compared the situation with that in {place2}",
    "voted to delay a final decision on {thing}",
    "said they expected a busy few months ahead",
)
OPENERS = (
    "On {weekday}, ",
    "Earlier this month, ",
    "Last year, ",
    "Since {month}, ",
    "In a statement on {weekday}, ",
    "At a meeting in {place2}, ",
    "For the first time since {year_prev}, ",
    "Later in the week, ",
    "By contrast, ",
    "Meanwhile, ",
    "In recent weeks, ",
    "Separately, ",
    "",
    "",
    "",
    "",
)
TAILS = (
    ", according to {source}",
    ", a spokesperson confirmed",
    " despite the cold weather",
    ", the first such move in {n3} years",
    " after months of debate",
    " last week",
    ", local media reported",
    " without giving further details",
    " as expected",
    "",
    "",
    "",
)
SOURCES = (
    "the local newspaper",
    "official figures",
    "people familiar with the plans",
    "minutes of the meeting",
    "a report seen by this newspaper",
    "the regional statistics office",
)


def _grammar_sentence(rng: random.Random, topic: Topic, ctx: dict[str, str]) -> str:
    opener = rng.choice(OPENERS)
    subject = rng.choice(SUBJECTS)
    if opener:
        subject = subject[0].lower() + subject[1:]
    tail = rng.choice(TAILS).replace("{source}", rng.choice(SOURCES))
    text = f"{opener}{subject} {rng.choice(PREDICATES)}{tail}."
    return _fill(text, rng, {**ctx, "thing": rng.choice(topic.things)})


def _sentence(rng: random.Random, topic: Topic, ctx: dict[str, str], used: set[str]) -> str:
    roll = rng.random()
    if roll < 0.2:
        fresh = [q for q in QUOTES if q not in used]
        if fresh:
            template = rng.choice(fresh)
            used.add(template)
            quote = _fill(template, rng, ctx)
            who = person(rng)
            role = _fill(rng.choice(ROLES), rng, ctx)
            if rng.random() < 0.5:
                return f'"{quote}," said {who}, {role}.'
            return f'{who}, {role}, said: "{quote}."'
    elif roll < 0.55:
        pool = topic.sentences if roll < 0.45 else GENERIC
        fresh = [t for t in pool if t not in used]
        if fresh:
            template = rng.choice(fresh)
            used.add(template)
            return _fill(template, rng, {**ctx, "thing": rng.choice(topic.things)})
    return _grammar_sentence(rng, topic, ctx)


def paragraph(
    rng: random.Random,
    topic: Topic,
    ctx: dict[str, str],
    used: set[str],
    min_words: int = 25,
    max_words: int = 80,
) -> str:
    """One paragraph of ``min_words``..``max_words`` words."""
    target = rng.randint(min_words, max_words)
    sentences: list[str] = []
    words = 0
    while words < target:
        s = _sentence(rng, topic, ctx, used)
        n = len(s.split())
        if words + n > max_words:
            if words >= min_words:
                break
            continue
        sentences.append(s)
        words += n
    return " ".join(sentences)


def story_head(rng: random.Random) -> StoryHead:
    """Topic, place, headline and 1-3 authors of a story."""
    topic = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    head = StoryHead(topic, place, "", (), rng.choice(topic.things), str(rng.randint(2015, 2024)))
    title = headline(rng, topic, place, head.context)
    authors = tuple(dict.fromkeys(person(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))))
    return StoryHead(topic, place, title, authors, head.thing, head.year_prev)


def story_body(
    rng: random.Random, head: StoryHead, *, min_paragraphs: int = 4, max_paragraphs: int = 12
) -> tuple[str, ...]:
    """The body paragraphs of the story ``head`` announces."""
    used: set[str] = set()
    count = rng.randint(min_paragraphs, max_paragraphs)
    return tuple(paragraph(rng, head.topic, head.context, used) for _ in range(count))


def standfirst(rng: random.Random, head: StoryHead) -> str:
    """A one-sentence summary for feeds and teasers (cheap: no body is generated)."""
    return _fill(rng.choice(head.topic.sentences), rng, head.context)


def headline(
    rng: random.Random, topic: Topic, place: str, ctx: dict[str, str] | None = None
) -> str:
    """A headline on ``topic`` set in ``place``, first letter capitalised."""
    ctx = ctx or {
        "place": place,
        "thing": rng.choice(topic.things),
        "year_prev": str(rng.randint(2015, 2024)),
    }
    title = _fill(rng.choice(topic.headlines), rng, ctx)
    return title[0].upper() + title[1:]


def extra_sentence(rng: random.Random, place: str) -> str:
    """A short sentence a syndicating paper adds to a story (8-16 words)."""
    return _fill(
        rng.choice(
            (
                "Residents of {place} can find more local coverage in our weekend edition.",
                "The Valley Gazette has asked the council for further comment.",
                "Readers in {place} have written to us about the issue in recent weeks.",
                "Our reporters will follow the story as it develops.",
                "A similar question was raised in {place} two years ago.",
            )
        ),
        rng,
        {"place": place},
    )


def slugify(text: str, max_words: int = 8) -> str:
    """Lower-case ASCII words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "story"
