"""Evidence rules (EV): attributions, citations and references that do not hold up.

They read the same per-sentence analysis as the claim rules
(:mod:`audit.claims`): citation markers resolved against the reference list,
links classified by domain, vague and named attributions.
"""

from __future__ import annotations

from collections.abc import Iterable

from audit.claims import evidence_of
from audit.model import Document, Hit
from audit.rules.base import Context, Example, Rule, register
from audit.rules.claims import claims_of

_REF_DOC = "\n\n## References\n\n"


@register
class VagueAttribution(Rule):
    id = "EV001"
    name = "vague-attribution"
    category = "evidence"
    severity = "warning"
    what = "Reports an appeal to unnamed evidence: 'research shows', 'studies suggest', 'experts agree', 'an increasing body of research links'."
    why = (
        "A vague attribution borrows the authority of science without letting the reader check it; it is a "
        "classic sign of unsupported health content (JAMA attribution benchmark, HONcode principle 4, "
        "Wikipedia's 'weasel words' guideline)."
    )
    example = "An increasing body of research links RLS to vascular and nerve health."
    instead = "A 2021 cohort study of 12,000 adults found RLS more common in people with vein disease [3]."
    references = (
        "Silberg WM et al. JAMA 1997;277:1244-5 (attribution)",
        "HONcode principle 4 (Attribution)",
    )
    fail_examples = (Example("Research shows that magnesium relieves leg cramps."), Example("Experts agree that iron deficiency is a cause of RLS."))
    pass_examples = (
        Example("A 2019 Cochrane review found that magnesium does not prevent leg cramps [1]." + _REF_DOC + "1. Garrison SR et al. Cochrane Database Syst Rev. 2020;9:CD009402. doi:10.1002/14651858.CD009402.pub3\n"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.vague or sa.support == "cited" or sa.reason == "reference list entry":
                continue
            for c in sa.vague:
                s, e = sa.source_span(c)
                yield Hit(
                    s, e,
                    f"vague attribution '{c.text}': which research, by whom, when?",
                    "Name the source and cite it (authors, journal, year, DOI or link), or state the claim without borrowed authority.",
                )


@register
class DanglingCitation(Rule):
    id = "EV002"
    name = "dangling-citation"
    category = "evidence"
    severity = "error"
    what = "Reports a citation marker ([3], ¹, <sup>3</sup>, [^3], (Smith, 2019)) that matches no entry in the reference list."
    why = "A citation that leads nowhere looks like evidence but cannot be checked; MLR review rejects claims whose reference cannot be found."
    example = "Sclerotherapy is effective in 90% of cases [7]. (the list has 5 entries)"
    instead = "Add entry 7 to the references, or fix the number."
    references = ("AMA Manual of Style, 11th ed., 3.6 (reference citation in text)", "ICMJE Recommendations, IV.A.3.g (references)")
    fail_examples = (Example("Iron improves symptoms [2]." + _REF_DOC + "1. Allen RP. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"),)
    pass_examples = (Example("Iron improves symptoms [1]." + _REF_DOC + "1. Allen RP. Sleep Med. 2018;41:27-44. doi:10.1016/j.sleep.2017.11.1126\n"),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            for c in sa.citations:
                if not c.missing:
                    continue
                ev = evidence_of(doc)
                where = "the reference list" if ev and ev.references else "any reference list (the document has none)"
                yield Hit(
                    c.start, c.end,
                    f"citation {c.text} points to no entry in {where}: missing {', '.join(c.missing)}",
                    "Add the missing entry to the references (with a DOI, PMID or link), or correct the marker.",
                    data={"missing": c.missing},
                )


@register
class UncitedReference(Rule):
    id = "EV003"
    name = "uncited-reference"
    category = "evidence"
    severity = "warning"
    what = "Reports an entry of the reference list (References, Sources, Bibliography, footnotes) that no citation in the text points to."
    why = (
        "A reference list that the text never cites does not say which claim rests on which source; padding a "
        "page with references is a known way to look evidence-based. Pharma MLR review links each claim to its reference."
    )
    example = "## References\n\n1. Allen RP. Sleep Med 2018. (never cited as [1])"
    instead = "Cite the entry where the claim it supports is made ([1]), or remove it. 'Further reading' lists are not checked."
    references = ("AMA Manual of Style, 11th ed., 3.6", "ICMJE Recommendations, IV.A.3.g")
    fail_examples = (Example("Iron improves symptoms [1]." + _REF_DOC + "1. Allen RP. Sleep Med. 2018;41:27-44.\n2. Unused J. Neurology. 2019;92:1-2.\n"),)
    pass_examples = (
        Example("Iron improves symptoms [1]." + _REF_DOC + "1. Allen RP. Sleep Med. 2018;41:27-44.\n"),
        Example("Iron can help some people with RLS.\n\n## Further reading\n\n- NHS: Restless legs syndrome, https://www.nhs.uk/conditions/restless-legs-syndrome/\n"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        claims_of(doc, ctx)
        ev = evidence_of(doc)
        if ev is None:
            return
        for r in ev.references:
            if r.cited_by or r.section in ("further reading", "resources", "reading list"):
                continue
            yield Hit(
                r.start, r.end,
                f"reference {r.key} is never cited in the text",
                "Cite it where the claim it supports is made, or remove it from the list.",
                data={"key": r.key},
            )


@register
class SelfPromotionalSource(Rule):
    id = "EV004"
    name = "self-promotional-source"
    category = "evidence"
    severity = "warning"
    what = "Reports a claim whose only link points to the publisher's own or another commercial site."
    why = (
        "A link to the seller's own page is advertising, not evidence (HONcode principle 8, FTC endorsement "
        "and substantiation guidance); a reader needs an independent, checkable source."
    )
    example = "Our laser therapy eliminates varicose veins ([learn more](https://ourclinic.com/laser))."
    instead = "Cite an independent source (a trial, a guideline from NICE or a specialist society)."
    references = ("HONcode principle 8 (honesty in advertising and editorial policy)", "FTC, Health Products Compliance Guidance (2022)")
    fail_examples = (
        Example(
            "Laser therapy relieves leg pain ([details](https://veinclinic.example.com/laser)).",
            config={"organizations": ["veinclinic.example.com"]},
        ),
    )
    pass_examples = (
        Example("Laser therapy relieves leg pain in most patients ([NICE](https://www.nice.org.uk/guidance/cg168))."),
    )

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim or sa.support == "cited":
                continue
            for c in sa.citations:
                if c.type == "link" and c.link_class in ("self", "commercial"):
                    what = "the publisher's own site" if c.link_class == "self" else "a commercial site"
                    yield Hit(
                        c.start, c.end,
                        f"claim backed only by a link to {what} ({c.url})",
                        "Link an independent source that shows the claim (trial, systematic review, guideline, health agency).",
                        data={"url": c.url, "link_class": c.link_class},
                    )


@register
class UnlocatableSource(Rule):
    id = "EV005"
    name = "unlocatable-source"
    category = "evidence"
    severity = "info"
    what = "Reports a claim whose only support is a named source a reader cannot locate: 'a 2019 trial in JAMA found', 'according to the NIH', a reference entry with no DOI, PMID or link."
    why = "Naming a source is better than 'studies show', but a reader or reviewer still cannot check it without authors, year and an identifier (JAMA attribution benchmark)."
    example = "According to the NIH, iron helps some people with restless legs."
    instead = "According to the NIH's NINDS fact sheet (https://www.ninds.nih.gov/...), ..."
    references = ("Silberg WM et al. JAMA 1997;277:1244-5 (attribution: references and sources for all content)",)
    fail_examples = (Example("According to the NIH, iron supplements relieve symptoms in some people."),)
    pass_examples = (Example("According to the NIH (https://www.ninds.nih.gov/health-information/disorders/restless-legs-syndrome), iron supplements relieve symptoms in some people."),)

    def check(self, doc: Document, ctx: Context) -> Iterable[Hit]:
        for sa in claims_of(doc, ctx):
            if not sa.claim or sa.support != "named":
                continue
            named = sa.named[0] if sa.named else None
            if named is not None:
                s, e = sa.source_span(named)
                what = f"'{named.text}'"
            else:
                c = next((c for c in sa.citations if c.support == "named"), None)
                if c is None:
                    continue
                s, e = c.start, c.end
                what = f"{c.text} (no DOI, PMID or link)"
            yield Hit(
                s, e,
                f"source named but not locatable: {what}",
                "Give the full reference (authors, title, journal, year) with a DOI, PMID or link.",
            )
