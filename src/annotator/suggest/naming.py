"""Whether capitalised words name someone: a sentence's end inside a run of capitals, and
a word alone at a sentence's start ("Hours", "Bombs", "Harsh") told from a name by how the
article uses it elsewhere."""

from __future__ import annotations

import re

from annotator.suggest.mentions import NOT_NAMES

# The last words of names that are no person's (organisations, places): no "he" or "she"
# stands for them, and a "they" or an "it" may.
PERSON_BAD = {"Party", "Department", "Ministry", "House", "Committee", "Council", "Court",
              "News", "Times", "Post", "Street", "Journal", "University", "States",
              "Union", "Campaign", "Convention", "Office", "Agency", "Network", "Senate",
              "Congress", "Republicans", "Democrats", "Government", "Administration",
              "Center", "Centre", "Institute", "Foundation", "Group", "Strategies", "Fund",
              "Association", "Society", "Bank", "Company", "Corporation", "Commission",
              "Board", "Bureau", "Service", "Club", "Organization", "Coalition", "Alliance",
              "Project", "Partners", "Media", "Press"}
# Places: no person's name either, and no group a "they" stands for.
PLACES = {"York", "America", "Korea", "China", "Russia", "Iran", "Iraq", "Syria", "Mexico",
          "Canada", "Israel", "Europe", "Ukraine", "Carolina", "Virginia", "Jersey", "Texas",
          "Florida", "Ohio", "California", "Angeles", "Chicago", "Pyongyang", "Moscow",
          "Beijing", "Tehran", "Kremlin", "Brussels", "Damascus", "Kiev", "Kyiv", "Baghdad",
          "London", "Paris", "Berlin", "Tokyo", "Seoul", "Atoll", "Island", "Islands"}
# Words that join a headline's capitals ("Mom Corners Obama On His Refusal") or two
# people ("Patti LaBelle and Stevie Wonder"): no one person's name.
NOT_IN_A_NAME = {"On", "To", "The", "His", "Her", "Of", "In", "For", "With", "At", "By",
                 "Is", "Are", "and", "A"}
# A sentence's opening words that name no one.
OPENING_WORDS = {"Though", "Although", "Contrary", "More", "Less", "Similarly", "Like",
                 "Unlike", "Per", "Given", "Amid", "Among", "Despite", "Whether", "Once",
                 "Nor", "Neither", "Either", "Both", "All", "Few", "Much", "Whatever"}
# Abbreviations whose full stop ends no sentence (titles, states, companies).
_ABBREVIATIONS = {"Mrs", "Sen", "Rep", "Gov", "Gen", "Col", "Prof", "Sgt", "Capt", "Cmdr",
                  "Adm", "Lt", "Jr", "Sr", "St", "Inc", "Corp", "Co", "Ltd", "Ft", "Mt", "Ave",
                  "Calif", "Fla", "Ariz", "Mass", "Conn", "Tenn", "Wash", "Mich", "Minn", "Wis",
                  "Ill", "Ind", "Okla", "Nev", "Colo", "Ore", "Ala", "Ark", "Del", "Ga", "Kan",
                  "Ky", "La", "Md", "Miss", "Mo", "Mont", "Neb", "Va", "Vt", "Wyo", "Pa", "Tex",
                  "Dept", "Gov't", "No", "Vol", "Rev", "Msgr", "Fr"}


def sentence_cut(words: list[str]) -> int:
    """The index of the word after the last sentence end inside ``words`` (a word of
    three letters or more ending in a full stop, no abbreviation, initial or "U.S."),
    0 when none."""
    for k in range(len(words) - 1, 0, -1):
        w = words[k - 1]
        if w.endswith((".", ".”", '."')):
            core = w.rstrip(".”\"")
            if len(core) >= 3 and "." not in core and core not in _ABBREVIATIONS:
                return k
    return 0



_NEAR = 20_000  # characters either side where a word's other uses are looked for


class NameUse:
    """Whether a capitalised word is used as a name in the article near a place: inside a
    sentence (after a lower-case word, a comma, a title or another name: "Mr. Obama",
    "Barack Obama", "said Obama"), not followed by another capitalised word (the
    "Democratic" of "the Democratic Party" is an adjective)."""

    def __init__(self, text: str):
        self.text = text
        self._known: dict[tuple[str, int], bool] = {}
        self._sexes: dict[tuple[str, int], str] = {}

    def named(self, word: str, at: int) -> bool:
        key = (word, at // _NEAR)
        if key not in self._known:
            text = self.text
            self._known[key] = any(
                _INSIDE.search(text, max(0, i - 12), i)
                and not _CAPITAL_NEXT.match(text, i + len(word))
                for i in _uses(text, word, key[1]))
        return self._known[key]

    def sex(self, words: list[str], at: int) -> str:
        """"f" or "m" when the name's first word or title tells ("Hillary Clinton", "Mrs.
        Clinton"), else when it is a surname alone the nearest full name before ``at``
        ending in it does ("Clinton" after "Bill Clinton"); "" when nothing tells."""
        for w in words[:-1]:
            found = sex_of(w)
            if found:
                return found
        if len(words) > 1:
            return ""
        word = words[-1].removesuffix("’s").removesuffix("'s")
        key = (word, at)
        if key not in self._sexes:
            self._sexes[key] = self._surname_sex(word, at)
        return self._sexes[key]

    def _surname_sex(self, word: str, at: int) -> str:
        # The nearest use before ``at`` that a first name or title tells, read backwards
        # with str.rfind (most surnames have their full name a paragraph or two back).
        text = self.text
        lo = max(0, at - _NEAR)
        i = text.rfind(word, lo, at)
        while i >= 0:
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "'’.-_"):
                before = _FIRST.search(text, max(0, i - 30), i)
                sex = sex_of(before.group(1)) if before is not None else ""
                if sex:
                    return sex
            i = text.rfind(word, lo, i)
        # None before: the first that tells after it, a few paragraphs on at most.
        hi = min(len(text), at + _NEAR // 4)
        i = text.find(word, at, hi)
        while i >= 0:
            if not (text[i - 1].isalnum() or text[i - 1] in "'’.-_"):
                before = _FIRST.search(text, max(0, i - 30), i)
                sex = sex_of(before.group(1)) if before is not None else ""
                if sex:
                    return sex
            i = text.find(word, i + len(word), hi)
        return ""


def _uses(text: str, word: str, bucket: int):
    """Where ``word`` stands as a whole word in the stretch around ``bucket`` (found
    with str.find, which skips ahead far faster than a pattern opening with a look-behind
    can)."""
    lo = max(0, bucket * _NEAR - _NEAR)
    hi = min(len(text), bucket * _NEAR + 2 * _NEAR)
    i = text.find(word, lo, hi)
    while i >= 0:
        after = i + len(word)
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "'’.-_")) and (
                after >= len(text) or not (text[after].isalnum() or text[after] == "_")):
            yield i
        i = text.find(word, after, hi)


_CAPITAL_NEXT = re.compile(r"[ \t\xa0]+[A-Z]")
_FIRST = re.compile(r"([A-Z][\w’'-]*\.?)[ \t\xa0]+(?:[A-Z]\.[ \t\xa0]+)?$")


# What stands before a name used inside a sentence: a lower-case word or a comma, a
# title, another capitalised word ("Barack Obama").
_INSIDE = re.compile(r"(?:[a-z0-9,;:’']|\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Prof|Rev)\.|"
                     r"[A-Z][\w'’-]*[A-Za-z])[ \t]+$")


# First names whose bearers in the news are nearly all of one sex (what a "he" or a "she"
# may stand for); a name not here tells nothing.
_FEMALE_NAMES = """
Hillary Melania Ivanka Elizabeth Nancy Sarah Kellyanne Huma Donna Debbie Kamala Michelle
Madeleine Condoleezza Theresa Angela Marine Susan Mary Patricia Jennifer Linda Barbara Margaret
Jessica Karen Lisa Betty Helen Sandra Ashley Kimberly Emily Carol Amanda Melissa Deborah
Stephanie Rebecca Laura Sharon Cynthia Kathleen Amy Shirley Anna Ruth Brenda Pamela Nicole
Katherine Catherine Christine Samantha Janet Rachel Carolyn Emma Maria Heather Diane Julie
Joyce Victoria Christina Joan Evelyn Lauren Judith Olivia Martha Cheryl Megan Andrea Hannah
Jacqueline Ann Anne Alice Kathryn Gloria Teresa Doris Sara Janice Julia Marie Grace Judy
Beverly Denise Marilyn Amber Danielle Abigail Brittany Rose Diana Natalie Sophia Lori Jane
Tina Gina Valerie Loretta Dianne Claire Tammy Kirsten Tulsi Marsha Jill Chelsea Kristen Erin
Katie Meghan Megyn Greta Sonia Elena Jeanne Jeanette Rosa Melanie Marcia Ellen Wendy Yvonne
Debra Monica Joanne Paula Tanya Veronica Nina Sally Esther Adriana Krystal Sonya Carla Irene
Eva Vanessa Gabrielle Katrina Molly Aparna Josefina Carmen Ana Lucia Sylvia Sheila
Mrs Ms Miss Madam Madame Queen Princess Lady Sister Mother Grandmother Congresswoman
Spokeswoman Chairwoman Businesswoman
"""
_MALE_NAMES = """
James Robert John Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott
Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron
Jose Adam Nathan Henry Douglas Zachary Peter Kyle Walter Ethan Jeremy Harold Keith Christian
Roger Noah Gerald Carl Sean Austin Arthur Lawrence Jesse Bryan Billy Bruce Albert Willie
Gabriel Alan Juan Wayne Roy Ralph Randy Eugene Vincent Russell Louis Bobby Philip Johnny Barack
Bill Mike Tim Bernie Ted Marco Jeb Mitch Chris Ben Rudy Newt Vladimir Sergei Rand Rick Reince
Corey Jim Tom Bob Dick Steve Dan Tony Rob Ron Jon Jeff Greg Ken Doug Harry Al Nick Evan
Joe Mitt Marco Reid Chuck Harry Rahm Rex Jared Eric Newt Hugh Ed Jimmy Dwight Franklin Abraham
Ronald Ivan Dmitry Dmitri Boris Xi Recep Benjamin Bibi Emmanuel Francois François Justin
Will Terence Terrence Martin Phil Carlos Luis Jorge Francisco Miguel Pedro Antonio Manuel
Oscar Hector Ricardo Roberto Fernando Javier Rafael Sergio Alejandro Eduardo Enrique Raul
Marvin Leon Howard Fred Frederick Stanley Leonard Norman Herbert Glenn Gordon Dale Cory
Bernard Mitchell Allen Curtis Neil Barry Kurt Darrell Reggie Marcus Andre Jamal Cornell
Mr Sir King Prince Pope Father Brother Congressman Spokesman Chairman Businessman
"""
_FEMALE = set(_FEMALE_NAMES.split())
_MALE = set(_MALE_NAMES.split())


def sex_of(word: str) -> str:
    """"f", "m", or "" for a first name or a title."""
    word = word.rstrip(".")
    return "f" if word in _FEMALE else "m" if word in _MALE else ""


def not_a_person(word: str) -> bool:
    """A capitalised word alone that names no person: a sentence's opening word ("All",
    "Chastened", "Similarly"), a people ("African-Americans", "Democrats") or a party's
    adjective ("Republican"), a dateline in capitals ("WASHINGTON")."""
    return (word in NOT_NAMES or word in OPENING_WORDS or word.endswith(("ed", "ing", "ly"))
            or word.endswith(("icans", "ians", "ists", "crats", "ites", "ese"))
            or word in _PARTY_WORDS or (word.isupper() and len(word) >= 4))


_PARTY_WORDS = {"Republican", "Democrat", "Democratic", "Conservative", "Liberal", "Libertarian",
                "Progressive", "Independent", "GOP"}
