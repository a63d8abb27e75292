"""Claim rules (CL): health claims that are unsupported, overstated or unquantified.

All rules read the shared per-sentence analysis of :mod:`audit.claims`
(computed once per document) and store the per-file claims summary in
``doc.cache["extra:claims"]`` so that it appears in the file's JSON record.
"""

from __future__ import annotations

from collections.abc import Iterable

from audit.claims import SentenceAnalysis, analyse, summary
from audit.model import Document, Hit
from audit.rules.base import Context, Example, Option, Rule, register

#: Kinds whose unhedged, unsupported statement is an error (FTC: express efficacy and safety claims).
STRONG_KINDS = ("efficacy", "safety", "causal", "prevention", "comparative")

_FIX_CITE = (
    "Cite the study or guideline that shows it (a numbered reference with a DOI/PMID, or a link to "
    "the source), or soften and qualify it (\"may\", \"in some people\") and say how strong the evidence is."
)


def claims_of(doc: Document, ctx: Context) -> list[SentenceAnalysis]:
    """The analysis, with the per-file summary stored for the JSON output."""
    result = analyse(doc, ctx.settings)
    if "extra:claims" not in doc.cache:
        doc.cache["extra:claims"] = summary(doc, ctx.settings)
    return result


def quote(cues: Iterable[object], limit: int = 3) -> str:
    """``'a', 'b'`` from cue objects (their ``text``)."""
    seen: list[str] = []
    for c in cues:
        t = getattr(c, "text", str(c))
        if t not in seen:
            seen.append(t)
    return ", ".join(f"'{t}'" for t in seen[:limit])


def _triggers(sa: SentenceAnalysis) -> str:
    cues = list(sa.relations) + [c for c in sa.kind_cues if c.kind in ("safety", "comparative")] + list(sa.statistics)
    # A diagnosis claim may rest on its diagnosis cue alone ("accurate diagnosis is critical").
    return quote(cues) or quote(sa.absolutes) or quote(c for c in sa.kind_cues if c.kind == sa.kind)


def _denies(sa: SentenceAnalysis) -> bool:
    """Whether the sentence only denies relations ("there is no cure for psoriasis", "vaccines do
    not cause autism"): every relation negated, and no statistic, guarantee or safety claim.
    Such a sentence still wants a source, but it promises nothing: a warning, never an error."""
    return (
        bool(sa.relations) and all(c.negated for c in sa.relations) and not sa.statistics and not sa.absolutes
        and not any(c.kind in ("safety", "comparative") for c in sa.kind_cues)
    )


@register
class UncitedClaim(Rule):
    id = "CL001"
    name = "uncited-claim"
    category = "claims"
    severity = "error"
    options = (
        Option("include_statistics", bool, False, "Also report statistics here (CL004 reports them by default)."),
    )
    what = "Reports a health claim (efficacy, cause, safety, prevention, comparison, diagnosis, mechanism, association) with no citation."
    why = (
        "The FTC requires 'competent and reliable scientific evidence' for health claims, HONcode principle 5 "
        "asks that claims about benefits be backed by balanced evidence, the JAMA benchmarks require attribution, "
        "and pharma MLR review annotates every claim with its reference. An unhedged claim that a treatment works "
        "or is safe, or that something causes disease, is an error; a hedged or associational claim, one that only denies "
        "a relation ('there is no cure for psoriasis'), or advice that states its purpose ('drink plenty of "
        "fluids to prevent dehydration') is a warning."
    )
    example = "Iron supplementation corrects deficiency and restores dopaminergic function."
    instead = "Iron supplements improve symptoms in people with low ferritin [1].  ...  1. Allen RP et al. Sleep Med 2018. doi:10.1016/j.sleep.2017.11.1126"
    references = (
        "FTC, Health Products Compliance Guidance (2022), section 3: competent and reliable scientific evidence",
        "HONcode principle 5 (Justifiability) and 4 (Attribution)",
        "Silberg WM et al. JAMA 1997;277:1244-5 (attribution benchmark)",
    )
    fail_examples = (
        Example("Iron supplementation corrects deficiency and restores dopaminergic function."),
        Example("Compression stockings may reduce leg swelling after long flights."),
    )
    pass_examples = (
        Example(
            "Iron supplementation improves symptoms in people with low ferritin [1].\n\n## References\n\n"
            "1. Allen RP, et al. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"
        ),
        Example("Restless legs syndrome is a disorder of the nervous system that causes an urge to move the legs?"),
        Example("If your leg becomes red and swollen, seek emergency care."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim or sa.support in ("cited", "named"):
                continue
            if sa.kinds == ["statistic"] and not ctx.options["include_statistics"]:
                continue
            kind = sa.kind or "health"
            denied = _denies(sa)
            strong = kind in STRONG_KINDS and sa.strength != "correlational" and not denied and not sa.instruction
            severity = "error" if (strong and not sa.hedged) else "warning"
            hedge = " (hedged: " + quote(sa.hedges) + ")" if sa.hedged else ""
            vague = f"; {quote(sa.vague)} is not a citation" if sa.vague else ""
            s, e = sa.source_span()
            data = {"kind": kind, "strength": sa.strength, "support": sa.support, "hedged": sa.hedged}
            if denied:
                data["negated"] = True
            if sa.instruction:
                data["advice"] = True
            yield Hit(
                s, e,
                f"{kind} claim with no citation{hedge}{' (negated)' if denied else ''}{' (advice)' if sa.instruction else ''}: {_triggers(sa)}{vague}",
                _FIX_CITE,
                severity=severity,
                data=data,
            )


@register
class AbsoluteLanguage(Rule):
    id = "CL002"
    name = "absolute-claim-language"
    category = "claims"
    severity = "error"
    what = "Reports absolute or guarantee language in a health claim: 'cure', 'eliminate', 'proven', 'guaranteed', '100%', 'no side effects', 'always'."
    why = (
        "No treatment works for everyone, always or permanently. The FTC treats 'cure', 'guaranteed' and "
        "'no side effects' as express claims needing the strongest substantiation, and the EU and UK advertising "
        "codes forbid suggesting a treatment is guaranteed or free of side effects."
    )
    example = "Treating underlying vascular deficiencies can significantly improve or even eliminate symptoms."
    instead = "Treating vein disease improved symptoms in about 6 of 10 people in one trial [2]; it does not help everyone."
    references = (
        "FTC, Health Products Compliance Guidance (2022)",
        "UK CAP Code 12.1-12.2 (medicines, medical devices, health-related products)",
        "EU Directive 2001/83/EC art. 90 (advertising must not suggest guaranteed effects or no side effects)",
    )
    fail_examples = (Example("This therapy can significantly improve or even eliminate symptoms in the feet."),)
    pass_examples = (
        Example("There is no cure for restless legs syndrome, but treatment can ease symptoms in many people [1].\n\n## References\n\n1. NICE CKS. https://cks.nice.org.uk/topics/restless-legs-syndrome/\n"),
        Example("Symptoms are not always relieved by movement."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim:
                continue
            for c in sa.absolutes:
                s, e = sa.source_span(c)
                yield Hit(
                    s, e,
                    f"absolute claim language '{c.text}': no health intervention is certain, complete or permanent",
                    "Say what the evidence shows and for whom (\"improved symptoms in 6 of 10 people\"); drop guarantees.",
                    data={"kind": sa.kind, "support": sa.support},
                )


@register
class UnhedgedCausalClaim(Rule):
    id = "CL003"
    name = "unhedged-causal-claim"
    category = "claims"
    severity = "warning"
    what = "Reports a sentence that states, unhedged and without a citation, that something causes or worsens a condition."
    why = (
        "Most evidence on causes of disease is observational and shows association, not causation; health "
        "news and press releases often turn 'linked to' into 'causes' (Sumner et al. BMJ 2014; Yu et al. 2019). "
        "A causal statement needs a source strong enough to carry it, or hedged wording."
    )
    example = "Poor blood circulation causes oxygen deprivation and metabolic waste buildup."
    instead = "Poor circulation is linked to ... [3] (or: can contribute to ..., with a citation)."
    references = (
        "Sumner P et al. BMJ 2014;349:g7015 (exaggeration in health press releases)",
        "Yu B, Li Y, Wang J. Detecting causal language use in science findings. EMNLP 2019",
    )
    fail_examples = (Example("Poor blood circulation causes oxygen deprivation in the feet."),)
    pass_examples = (
        Example("Poor blood circulation may contribute to oxygen deprivation in the feet."),
        Example("Poor blood circulation causes oxygen deprivation in the feet [1].\n\n## References\n\n1. Smith J. Circulation. 2019;140:e1-e10. doi:10.1161/CIR.0000000000000001\n"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim or sa.support == "cited" or sa.hedged:
                continue
            cues = [c for c in sa.relations if c.kind == "causal" and c.strength == "direct_causal" and not c.negated]
            if not cues:
                continue
            c = cues[0]
            s, e = sa.source_span(c)
            yield Hit(
                s, e,
                f"states causation as fact: {quote(cues)}",
                "Cite evidence that shows cause (a trial, or a guideline), or say what was found: 'is linked to', 'may contribute to'.",
                data={"strength": sa.strength},
            )


@register
class UnsourcedStatistic(Rule):
    id = "CL004"
    name = "unsourced-statistic"
    category = "claims"
    severity = "warning"
    what = "Reports a number about health (prevalence, risk, a percentage, 'millions worldwide') with no source."
    why = (
        "Readers cannot judge a number they cannot trace, and prevalence and risk figures are often inflated "
        "or out of date. JAMA benchmarks and HONcode principle 4 ask that every fact be attributed."
    )
    example = "Restless legs syndrome affects millions worldwide."
    instead = "Restless legs syndrome affects 5-10% of adults in Europe and North America [1]."
    references = (
        "Silberg WM et al. JAMA 1997;277:1244-5 (attribution)",
        "HONcode principle 4 (Attribution)",
    )
    fail_examples = (Example("Restless legs syndrome affects millions worldwide."), Example("About 10% of adults have restless legs."))
    pass_examples = (
        Example("About 10% of adults have restless legs ([NIH](https://www.ninds.nih.gov/health-information/disorders/restless-legs-syndrome))."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim or sa.support in ("cited", "named") or not sa.statistics:
                continue
            for c in sa.statistics:
                s, e = sa.source_span(c)
                yield Hit(
                    s, e,
                    f"statistic with no source: '{c.text}'",
                    "Give the figure's source (study, survey or agency, with year), or remove the number.",
                )


@register
class UnquantifiedBenefit(Rule):
    id = "CL005"
    name = "unquantified-benefit"
    category = "claims"
    severity = "warning"
    what = "Reports a benefit or effect described with an intensifier ('significantly', 'dramatically', 'substantially') but no number."
    why = (
        "'Significantly improves' tells a reader neither how much nor for how many; HealthNewsReview "
        "criterion 2 and DISCERN ask that benefits be quantified, in absolute terms."
    )
    example = "Lifestyle modifications can substantially diminish symptoms."
    instead = "In one trial, exercise reduced symptom scores by 39% over 12 weeks [4]."
    references = (
        "HealthNewsReview.org criterion 2: does the story adequately quantify the benefits?",
        "DISCERN question 10 (benefits of each treatment)",
    )
    fail_examples = (Example("Vein treatment can dramatically improve leg pain."),)
    pass_examples = (Example("Vein treatment reduced leg pain scores by 40% in one trial [1].\n\n[1]: https://doi.org/10.1000/xyz\n"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim or sa.has_number or not sa.intensifiers:
                continue
            c = sa.intensifiers[0]
            s, e = sa.source_span(c)
            yield Hit(
                s, e,
                f"benefit or effect with no size: '{c.text}' without a number",
                "Say how much and for whom (\"reduced symptom scores by 30% in 6 of 10 patients\"), or drop the intensifier.",
            )
