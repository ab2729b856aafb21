"""The Spanish analyzer of the keyword half: what a text becomes before BM25 sees it.

Applied the same way to documents and to questions:

1. case and accent folding (``ñ`` kept): Chilean users often type without accents;
2. codes and RUTs stay one token, plus their digits-only form ("66.666.666-6" and "66666666-6" match);
3. Spanish Snowball stemming (PyStemmer), so "anulo", "anular" and "anulación" meet; a word ending in
   "-cion" gets its accent back first, because Snowball only removes "-ación"/"-ución" with it;
4. synonym groups of Chilean tax language (``data/synonyms_cl.json``, each group with its source):
   wherever any phrase of a group occurs, one shared token is added, so "NC" finds "nota de crédito"
   and "no afecta" finds "exenta". Phrases are matched on stems, stopwords included ("no afecta");
5. Spanish stopwords dropped (the Snowball list, folded, plus chat shorthand: "q", "xq", "pq").

``Analyzer(stemmer="light", synonyms=False, stopwords=LIGHT_STOPWORDS)`` is the analyzer shipped before
this one (the benchmark measures each lever against it). ``Analyzer.id`` names the configuration; a
saved keyword index records it and is rebuilt when it differs.
"""

import functools
import json
import os
import re
import unicodedata

SYNONYMS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "synonyms_cl.json")

TOKEN_PATTERN = re.compile(
    r"\d{1,3}(?:\.\d{3})+-[\dk]\b"  # RUT with dots: 66.666.666-6, 76.123.456-k
    r"|\d{7,8}-[\dk]\b"  # RUT without dots
    r"|\d+(?:[.,]\d+)*"  # numbers and codes: 33, 19, 1.000, 0,5
    r"|[a-z0-9ñ]+"  # words, letters+digits (f29, dte)
)

# The analyzer shipped first: a short list (kept for the benchmark's baseline).
LIGHT_STOPWORDS = frozenset(
    """
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun cada como con contra cual cuales
cuando cuanto cuantos cuanta cuantas de del desde donde dos e el ella ellas ello ellos en entre era eran
es esa esas ese eso esos esta estan estas este esto estos estoy fue fueron ha han hasta hay la las le les
lo los mas me mi mis mismo muy nada ni no nos nosotros o os otra otras otro otros para pero poco por
porque puede pueden que quien quienes se sea sean ser si sido sin sobre son su sus tambien tan tanto te
tener tengo tiene tienen todo todos tu tus un una unas uno unos usted ustedes y ya yo debo debe deben
hace hacer hago cual esta favor
""".split()
)

# Snowball's Spanish stop list (accents folded), plus chat shorthand and question fillers.
SPANISH_STOPWORDS = LIGHT_STOPWORDS | frozenset(
    """
de la que el en y a los del se las por un para con no una su al lo como mas pero sus le ya o este si
porque esta entre cuando muy sin sobre tambien me hasta hay donde quien desde todo nos durante todos uno
les ni contra otros ese eso ante ellos e esto mi antes algunos unos yo otro otras otra el tanto esa
estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mis tu te ti tus ellas
nosotras vosotros vosotras os mio mia mios mias tuyo tuya tuyos tuyas suyo suya suyos suyas nuestro
nuestra nuestros nuestras vuestro vuestra vuestros vuestras esos esas estoy estas esta estamos estais
estan este estes estemos esteis esten estare estaras estara estaremos estareis estaran estaria estarias
estariamos estariais estarian estaba estabas estabamos estabais estaban estuve estuviste estuvo
estuvimos estuvisteis estuvieron he has ha hemos habeis han haya hayas hayamos hayais hayan habre
habras habra habremos habreis habran habria habrias habriamos habriais habrian habia habias habiamos
habiais habian hube hubiste hubo hubimos hubisteis hubieron soy eres es somos sois son sea seas seamos
seais sean sere seras sera seremos sereis seran seria serias seriamos seriais serian era eras eramos
erais eran fui fuiste fue fuimos fuisteis fueron tengo tienes tiene tenemos teneis tienen tenga tengas
tengamos tengais tengan tendre tendras tendra tendremos tendreis tendran tendria tendrias tendriamos
tendriais tendrian tenia tenias teniamos teniais tenian tuve tuviste tuvo tuvimos tuvisteis tuvieron
q xq pq k porfa hola oye ahora alguien
""".split()
)

# Words that end in "-cion" get their accent back before stemming (Snowball's "-ación" rule; the
# plural "-aciones" has no accent and is handled as typed).
_CION = re.compile(r"cion$")


def strip_accents(text):
    """``"Código Ñandú"`` -> ``"codigo ñandu"`` keeps ñ (a distinct letter in Spanish), drops other marks."""
    text = text.lower().replace("ñ", "\0")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("\0", "ñ")


def light_stem(word):
    """Savoy's light Spanish stemmer (Lucene's ``SpanishLightStemmer``): folds gender and number only.

    ``factura``/``facturas`` -> ``factur``, ``retenciones``/``retención`` -> ``retencion``."""
    if len(word) < 5 or not word.isalpha():
        return word
    last = word[-1]
    if last in "oae":
        return word[:-1]
    if last == "s":
        if word.endswith("eses"):
            return word[:-2]
        if word.endswith("ces"):
            return word[:-3] + "z"
        if word[-2] in "oae":
            return word[:-2]
    return word


@functools.lru_cache(maxsize=1)
def _snowball():
    import Stemmer  # noqa: PLC0415 - PyStemmer (C), only where keyword text is analyzed

    return Stemmer.Stemmer("spanish")


@functools.lru_cache(maxsize=1)
def load_synonym_groups(path=SYNONYMS_FILE):
    """``[(group token, (phrase, ...), source)]`` from the synonyms file."""
    with open(path, encoding="utf-8") as handle:
        groups = json.load(handle)["groups"]
    return tuple(
        (f"~{index}", tuple(group["phrases"]), group["source"]) for index, group in enumerate(groups)
    )


class Analyzer:
    """Turns a text into BM25 tokens (see the module docstring). Thread-safe once built."""

    def __init__(self, stemmer="snowball", synonyms=True, stopwords=SPANISH_STOPWORDS):
        if stemmer not in ("snowball", "light"):
            raise ValueError(f"unknown stemmer {stemmer!r}")
        self.stemmer = stemmer
        self.stopwords = frozenset(stopwords)
        self.groups = load_synonym_groups() if synonyms else ()
        self._stem_cache = {}
        self._patterns = {}  # first stem -> [(stems of a phrase, group token)], longest first
        for token, phrases, _source in self.groups:
            for phrase in phrases:
                stems = tuple(stem for stem, _word in self._words(phrase))
                if stems:
                    self._patterns.setdefault(stems[0], []).append((stems, token))
        for candidates in self._patterns.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self.id = (
            f"{stemmer}/{'syn:' + str(len(self.groups)) if self.groups else 'nosyn'}/"
            f"stop:{len(self.stopwords)}"
        )

    def stem(self, word):
        stem = self._stem_cache.get(word)
        if stem is None:
            if len(word) < 3 or not word.isalpha():
                stem = word
            elif self.stemmer == "light":
                stem = light_stem(word)
            else:
                stem = strip_accents(_snowball().stemWord(_CION.sub("ción", word)))
            if len(self._stem_cache) < 200_000:
                self._stem_cache[word] = stem
        return stem

    def _words(self, text):
        """[(stem, folded word)] of every word and code of ``text``, stopwords included."""
        return [
            (self.stem(match.group(0)), match.group(0))
            for match in TOKEN_PATTERN.finditer(strip_accents(text or ""))
        ]

    def synonym_tokens(self, words):
        """The group tokens of the synonym phrases found in ``words`` (one per group and position)."""
        stems = [stem for stem, _word in words]
        found = []
        for position, stem in enumerate(stems):
            seen = set()
            for pattern, token in self._patterns.get(stem, ()):
                if token not in seen and tuple(stems[position : position + len(pattern)]) == pattern:
                    seen.add(token)
                    found.append(token)
        return found

    def __call__(self, text):
        """BM25 tokens of ``text``."""
        words = self._words(text)
        tokens = []
        for stem, word in words:
            if word[0].isdigit():
                tokens.append(word)
                compact = re.sub(r"[.,]", "", word)
                if compact != word:
                    tokens.append(compact)
            elif word not in self.stopwords and len(word) > 1:
                tokens.append(stem)
        if self._patterns:
            tokens.extend(self.synonym_tokens(words))
        return tokens

    def expansions(self, text):
        """The first phrase of every synonym group ``text`` mentions in another way (e.g. "nota de crédito"
        for "NC"): what a query can be expanded with before it is embedded."""
        words = self._words(text)
        present = set(self.synonym_tokens(words))
        folded = strip_accents(text or "")
        return [
            phrases[0]
            for token, phrases, _source in self.groups
            if token in present and strip_accents(phrases[0]) not in folded
        ]


@functools.lru_cache(maxsize=1)
def default_analyzer():
    return Analyzer()
