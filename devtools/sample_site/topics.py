"""The sample site's news beats: each topic's section, headlines, things and sentences."""

from __future__ import annotations

from dataclasses import dataclass


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
            (
                "The council voted {n1} to {n2} on {weekday} evening after a debate that lasted "
                "almost {hours} hours."
            ),
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
            (
                "The operator said replacement buses would serve all stations between {place} and "
                "{place2}."
            ),
            "Traffic counts show about {big} vehicles use {thing} on a typical weekday.",
            "Passenger numbers have risen by {pct} percent since the spring.",
            (
                "Engineers found cracks in the supports of {thing} during a routine inspection in "
                "{month}."
            ),
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
            (
                "The average price of a home in {place} is now about {money}, according to figures "
                "released on {weekday}."
            ),
            (
                "Estate agents say demand from young families remains strong despite higher "
                "interest rates."
            ),
            "Around {pct} percent of the new homes will be offered at below-market rents.",
            (
                "Neighbours have raised concerns about traffic and the loss of green space near "
                "{thing}."
            ),
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
            (
                "Patients waited an average of {n3} hours in {month}, down from {n4} hours a year "
                "earlier."
            ),
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
            (
                "Sales were up {pct} percent on the same period last year, according to the trade "
                "association."
            ),
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
            (
                "Screenings at {thing} start at dusk, and visitors are asked to bring their own "
                "chairs."
            ),
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
            (
                "Volunteers collected more than {n3} tonnes of waste from the river banks in a "
                "single weekend."
            ),
            (
                "The city expects the panels to supply about {pct} percent of the building's "
                "electricity."
            ),
            "Campaigners welcomed the plan but said the timetable was not ambitious enough.",
            "The trees were chosen because they cope well with dry summers and heavy rain.",
            "Air quality near {thing} has improved since the speed limit was lowered.",
            "The project is paid for partly by a national climate fund.",
            "A survey found that {pct} percent of residents support more cycle lanes.",
            "The council will report on its progress every year in {month}.",
        ),
    ),
)
