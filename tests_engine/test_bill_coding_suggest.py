"""Account and analytic suggestions from a company's own posted lines, on real embeddings."""

import pytest

from bill_coding_fixtures import DAY, posted
from services.bill_coding.history import CompanyHistory, build_per_company
from services.bill_coding.records import (
    REASON_NO_HISTORY,
    REASON_NO_NEIGHBOUR,
    CompanyMismatch,
    Feedback,
    LineQuery,
)
from services.bill_coding.suggest import DEFAULT_PARAMS, suggest
from services.knowledge.embedder import OnnxEmbedder

HARDWARE, TELCO, OTHER = 10, 20, 30
TOOLS, MAINTENANCE, MOBILE, INTERNET, FEES = 5102, 5103, 5108, 5109, 5107
LAS_CONDES, QUILICURA = {"2": 100.0}, {"3": 100.0}


@pytest.fixture(scope="module")
def embedder():
    return OnnxEmbedder()


def hardware_and_telco_lines(company=1):
    lines = [
        (HARDWARE, "TALADRO PERCUTOR BOSCH 650W OBRA LAS CONDES", TOOLS, LAS_CONDES),
        (HARDWARE, "Esmeril angular Makita 4 1/2 - Obra Las Condes", TOOLS, LAS_CONDES),
        (HARDWARE, "SIERRA CIRCULAR DEWALT 7 1/4 LAS CONDES", TOOLS, LAS_CONDES),
        (HARDWARE, "Set brocas concreto 5 pzs obra Quilicura", TOOLS, QUILICURA),
        (HARDWARE, "PINTURA LATEX BLANCO GALON OBRA QUILICURA", MAINTENANCE, QUILICURA),
        (HARDWARE, "Silicona transparente 280ml Quilicura", MAINTENANCE, QUILICURA),
        (HARDWARE, "CERRADURA SOBREPONER SCANAVINI OB. QUILICURA", MAINTENANCE, QUILICURA),
        (HARDWARE, "Llave paso 1/2 bronce obra Las Condes", MAINTENANCE, LAS_CONDES),
        (TELCO, "TELEFONIA MOVIL PLAN EMPRESA 25 LINEAS OCTUBRE", MOBILE, {"2": 50.0, "3": 50.0}),
        (TELCO, "Plan movil empresa 25 líneas septiembre", MOBILE, {"2": 50.0, "3": 50.0}),
        (TELCO, "INTERNET FIBRA EMPRESA 600 MBPS OFICINA", INTERNET, {"1": 100.0}),
        (TELCO, "Enlace dedicado fibra 300MB oficina", INTERNET, {"1": 100.0}),
    ]
    return [
        posted(index + 1 + 1000 * company, vendor, text, account, distribution, company=company)
        for index, (vendor, text, account, distribution) in enumerate(lines)
    ]


@pytest.fixture(scope="module")
def history(embedder):
    return CompanyHistory.build(1, hardware_and_telco_lines(), embedder)


def ask(history, vendor, description, company=1):
    return suggest(history, LineQuery(company, vendor, description, date=DAY))


@pytest.mark.parametrize(
    ("vendor", "description", "account"),
    [
        (HARDWARE, "ROTOMARTILLO SDS PLUS 800W OBRA LAS CONDES", TOOLS),
        (HARDWARE, "Pintura esmalte sintetico galon obra Quilicura", MAINTENANCE),
        (TELCO, "Telefonía móvil plan empresa 25 líneas noviembre", MOBILE),
        (TELCO, "Internet fibra oficina central noviembre", INTERNET),
    ],
)
def test_a_vendor_that_bills_two_accounts_gets_the_right_one_by_description(
    history, vendor, description, account
):
    result = ask(history, vendor, description)
    assert result.account_id == account
    assert result.neighbours and all(neighbour.account_id == account for neighbour in result.neighbours)
    assert result.neighbours[0].same_vendor


def test_the_analytic_distribution_follows_the_site_named_and_a_split(history):
    assert (
        ask(history, HARDWARE, "Huincha medir Stanley 8m OBRA QUILICURA").analytic_distribution == QUILICURA
    )
    assert (
        ask(history, HARDWARE, "Alicate universal 8 pulg obra Las Condes").analytic_distribution == LAS_CONDES
    )
    # the same item as a Las Condes line, bought for Quilicura: the site's words outvote the item
    assert (
        ask(history, HARDWARE, "TALADRO PERCUTOR BOSCH 650W OBRA QUILICURA").analytic_distribution
        == QUILICURA
    )
    split = ask(history, TELCO, "PLAN MOVIL EMPRESA 25 LINEAS NOVIEMBRE")
    assert split.analytic_distribution == {"2": 50.0, "3": 50.0}


def test_confidence_is_higher_for_a_known_line_than_for_an_unrelated_one(history):
    known = ask(history, TELCO, "TELEFONIA MOVIL PLAN EMPRESA 25 LINEAS DICIEMBRE")
    unrelated = ask(history, OTHER, "Honorarios asesoría contable octubre")
    assert known.confidence > 0.9
    assert not unrelated.found or unrelated.confidence < known.confidence - 0.2


def test_empty_history_gives_no_suggestion_with_a_reason(embedder):
    empty = CompanyHistory.build(1, [], embedder)
    result = ask(empty, HARDWARE, "Taladro percutor Bosch")
    assert result.account_id is None and result.analytic_distribution is None
    assert result.reason == REASON_NO_HISTORY and result.confidence == 0.0


def test_a_line_unlike_any_posted_line_gets_no_suggestion(history):
    strict = DEFAULT_PARAMS.with_(min_similarity=0.97)
    result = suggest(history, LineQuery(1, OTHER, "Poliza seguro todo riesgo construccion", date=DAY), strict)
    assert result.account_id is None and result.reason == REASON_NO_NEIGHBOUR


def test_rejected_suggestions_lose_weight_for_that_vendor(embedder):
    lines = [
        posted(1, HARDWARE, "Disco corte metal 115mm", TOOLS),
        posted(2, HARDWARE, "Disco corte fierro 115 mm", TOOLS),
        posted(3, HARDWARE, "Disco flap 115mm grano 60", MAINTENANCE),
    ]
    query = LineQuery(1, HARDWARE, "DISCO CORTE METAL 4 1/2", date=DAY)
    before = suggest(CompanyHistory.build(1, lines, embedder), query)
    assert before.account_id == TOOLS
    rejected = [Feedback(1, HARDWARE, TOOLS, accepted=False, description="DISCO CORTE METAL 4 1/2")] * 3
    after = suggest(CompanyHistory.build(1, lines, embedder, feedback=rejected), query)
    assert after.account_id == MAINTENANCE
    # another vendor's rejections do not touch this vendor's suggestion
    others = [Feedback(1, OTHER, TOOLS, accepted=False)] * 3
    assert suggest(CompanyHistory.build(1, lines, embedder, feedback=others), query).account_id == TOOLS
    # an acceptance cancels a rejection
    mixed = rejected + [Feedback(1, HARDWARE, TOOLS, accepted=True)] * 3
    assert suggest(CompanyHistory.build(1, lines, embedder, feedback=mixed), query).account_id == TOOLS


def test_no_suggestion_comes_from_another_companys_lines(embedder):
    mine = [posted(1, HARDWARE, "Arriendo oficina Los Leones 382", 5105, company=1)]
    theirs = hardware_and_telco_lines(company=2)
    histories = build_per_company(mine + theirs, embedder)
    assert set(histories) == {1, 2}
    assert {line.company_id for line in histories[1].lines} == {1}
    result = ask(histories[1], HARDWARE, "TALADRO PERCUTOR BOSCH 650W OBRA LAS CONDES")
    assert {neighbour.line_id for neighbour in result.neighbours} <= {1}
    assert result.account_id in (None, 5105)
    # a query, a line or a feedback of company 2 cannot reach company 1's history
    with pytest.raises(CompanyMismatch):
        ask(histories[1], HARDWARE, "Taladro", company=2)
    with pytest.raises(CompanyMismatch):
        CompanyHistory.build(1, mine + theirs[:1], embedder)
    with pytest.raises(CompanyMismatch):
        histories[1].add_feedback(Feedback(2, HARDWARE, TOOLS, accepted=False))


def test_the_same_vendor_weighs_more_than_other_vendors(embedder):
    lines = [posted(1, HARDWARE, "DISCO CORTE METAL 115MM", TOOLS)] + [
        posted(2 + index, OTHER, "Disco corte metal 115 mm", MAINTENANCE) for index in range(3)
    ]
    history = CompanyHistory.build(1, lines, embedder)
    assert ask(history, HARDWARE, "Disco corte metal 115mm x 10 un").account_id == TOOLS
    assert ask(history, OTHER, "Disco corte metal 115mm x 10 un").account_id == MAINTENANCE
