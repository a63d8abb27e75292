"""Promotion rules (PR): puffery, calls to action, sales voice, brands, urgency, hype, promises, testimonials.

Health information that sells is what regulators and quality codes single out:
exaggeration (ABPI Code clause 6, HealthNewsReview criterion 10, Wikipedia's
peacock terms), advertising that is not distinguishable from information
(HONcode principle 8), alarming terms (EU Directive 2001/83/EC art. 90) and
testimonials (FTC Endorsement Guides). Phrase lists live in
``audit/data/promotion/``; the matching is shared (:mod:`audit.promotion`).

Quotations: puffery and sensational words inside a direct quotation are still
reported (the article chose to print them) but at ``info`` severity, with a
note; first-person sales voice inside a quotation ("our team found", says a
researcher) is not the publisher's voice and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from audit.model import Document, Hit
from audit.promotion import LexiconRule
from audit.promotion.analysis import FAMILY, Analysis, BlockInfo, Match
from audit.promotion.lexicon import load_cues
from audit.rules.base import Example, Option, register

_HONCODE = "HONcode principle 8: advertising must be clearly distinguishable from editorial content (Health On the Net Foundation)"
_ABPI = "ABPI Code of Practice for the Pharmaceutical Industry, clause 6: no exaggeration or undue emphasis"
_HNR = "HealthNewsReview.org criterion 10: does the story use unjustifiable, sensational language?"
_EU90 = "EU Directive 2001/83/EC art. 90: no improper, alarming or misleading terms in medicines advertising"
_PEACOCK = "Wikipedia Manual of Style, Words to watch: puffery (peacock terms)"
_NEGATIONS = frozenset(["not", "never", "no", "isn't", "aren't", "wasn't", "nor"])
_FTC = "FTC Guides Concerning the Use of Endorsements and Testimonials in Advertising (16 CFR Part 255)"


def _hit(an: Analysis, m: Match, message: str, fix: str | None, severity: str | None = None, data: dict[str, Any] | None = None) -> Hit:
    block = an.blocks[m.block].block
    a, b = block.map.span(m.start, m.end)
    return Hit(a, b, message, fix, severity, data)


def _text(an: Analysis, m: Match) -> str:
    return an.blocks[m.block].block.text[m.start : m.end]


def in_proper_name(an: Analysis, m: Match) -> bool:
    """Whether a match is part of a capitalised name mid-sentence ("the Yale Innovative Interactions Lab")."""
    info = an.blocks[m.block]
    if info.block.kind == "heading" or "tokens" not in m.detail:
        return False
    i, j = m.detail["tokens"]
    toks = info.toks
    if not toks.word(i)[:1].isupper() or i in info.sentence_starts or any(c in toks.gap(i) for c in ":;\u2014\u2013(\"\u201c"):
        return False
    before = i > 0 and toks.word(i - 1)[:1].isupper() and (i - 1) not in info.sentence_starts
    after = j < len(toks) and toks.word(j)[:1].isupper()
    if not (before or after):
        return False
    # In a block written in Title Case (a headline) capitals do not mark a name: such a
    # block has no lower-case word of four letters or more.
    return any(len(w) >= 4 and w[:1].islower() for w in (toks.word(k) for k in range(1, len(toks))))


def _quotable_hits(an: Analysis, family: str, options: dict[str, Any], message: str, quoted_note: str, fix: str) -> Iterator[Hit]:
    """Hits for a lexicon family that is still reported inside quotations, at ``info`` there.

    ``message`` has one ``{}`` for the matched text; ``fix`` is used when the
    lexicon entry has no suggestion of its own.
    """
    for m in an.matches[family]:
        if m.quoted and not options["quotations"] or in_proper_name(an, m):
            continue
        msg = message.format(_text(an, m))
        sev = None
        if m.quoted:
            msg += f" (inside a quotation: {quoted_note})"
            sev = "info"
        assert m.entry is not None
        yield _hit(an, m, msg, m.entry.suggestion or fix, sev, {"term": m.entry.phrase})


def _sentence_words(info: BlockInfo, i: int) -> list[str]:
    lo, hi = info.sentence_of(i)
    return info.toks.lower[lo:hi]


_OWN_CARE_LEFT = frozenset({"your", "own", "local"})
_CARE_NOUNS = frozenset({"help", "advice", "attention", "care"})
#: Verbs that send the reader to "a doctor" (not "book with the doctors at ...").
_REFERRAL_VERBS = frozenset({
    "see", "ask", "talk", "speak", "contact", "call", "visit", "consult", "phone", "tell", "go", "get", "checked",
    "check", "seen", "examined",
})
_PUBLISHER_WORDS = frozenset({"our", "us", "we", "we're", "we\u2019re"})


def _refers_to_care(words: list[str], providers: frozenset[str]) -> bool:
    """Whether a sentence sends the reader to their own care: "see your GP", "go to a doctor",
    "get medical help" (not "book with our doctors", "see a doctor at our clinic")."""
    for k in range(1, len(words)):
        w, left = words[k], words[k - 1]
        if w in providers and left in _OWN_CARE_LEFT:
            return True
        if (
            w in providers and left in ("a", "the") and not _REFERRAL_VERBS.isdisjoint(words[max(0, k - 5) : k])
            and _PUBLISHER_WORDS.isdisjoint(words[k + 1 : k + 4])
        ):
            return True
        if w in _CARE_NOUNS and left == "medical" and k >= 2 and words[k - 2] in ("get", "seek", "need", "find"):
            return True
    return False


@register
class Puffery(LexiconRule):
    id = "PR001"
    name = "puffery"
    severity = "warning"
    options = (
        Option("quotations", bool, True, "Also report puffery inside direct quotations (at info severity)."),
    )
    what = (
        "Flags puffery and superlatives: 'cutting-edge', 'state-of-the-art', 'world-class', 'revolutionary', "
        "'breakthrough', 'innovative', 'leading provider', 'advanced technologies', 'the best care', 'trusted "
        "experts' and more (audit/data/promotion/puffery.txt). Ambiguous words are listed only in their "
        "promotional uses, so 'leading cause of death' and 'advanced cancer' are not flagged."
    )
    why = (
        "Praise gives the reader nothing to check and makes a treatment sound better than its evidence. "
        "The ABPI Code of Practice forbids 'exaggeration or undue emphasis', HealthNewsReview.org rates "
        "sensational language down, and Wikipedia calls these 'peacock terms'."
    )
    example = "Our clinic uses state-of-the-art, cutting-edge techniques."
    instead = "Name the technique, say what it does and cite the evidence: 'Endovenous laser ablation closes the vein; in trials 9 in 10 veins stayed closed at 5 years.'"
    references = (_ABPI, _HNR, _PEACOCK)
    fail_examples = (
        Example("We offer state-of-the-art treatment for varicose veins."),
        Example("Advanced Technologies: cutting-edge procedures for vein disease."),
        Example("This breakthrough therapy is truly revolutionary."),
    )
    pass_examples = (
        Example("Heart disease is the leading cause of death in adults."),
        Example("People with advanced cancer may need palliative care."),
        Example("The best way to prevent flu is a yearly vaccine."),
        Example("Some patients have breakthrough pain between doses."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        return _quotable_hits(
            an, "puffery", options, "Puffery: '{}' praises instead of informing.",
            "check it is attributed and balanced", "Replace the praise with a specific, verifiable fact.",
        )


@register
class SalesCallToAction(LexiconRule):
    id = "PR002"
    name = "sales-call-to-action"
    severity = "warning"
    what = (
        "Flags commercial calls to action inside informational text: 'schedule a consultation', 'contact us', "
        "'call today', 'book now', 'visit our website', 'contact our office', 'why choose', offers and discount "
        "codes (audit/data/promotion/cta.txt). Health advice is not a call to action and is never flagged: "
        "'talk to your doctor', 'call 911', 'ask your pharmacist', 'seek emergency care', 'consult a healthcare provider'."
    )
    why = (
        "A sales pitch inside health information turns an explanation into an advertisement. HONcode principle 8 "
        "requires advertising to be clearly distinguishable from editorial content, and advertising rules "
        "(FTC native advertising guidance, ASA CAP Code) require it to be recognisable as advertising."
    )
    example = "To learn more, schedule a consultation or contact our office today."
    instead = "Keep the article informational; put booking details in a separate, clearly labelled box or page ('Advertisement: book at ...')."
    references = (_HONCODE, "FTC Enforcement Policy Statement on Deceptively Formatted Advertisements (2015)")
    fail_examples = (
        Example("To learn more about our treatments, schedule a consultation today."),
        Example("Visit our website or contact our office directly."),
        Example("Call today and book now!"),
    )
    pass_examples = (
        Example("Talk to your doctor before stopping any medicine."),
        Example("Seek emergency care if you have chest pain, or call 911."),
        Example("Ask your pharmacist or consult a healthcare provider about interactions."),
        Example("Make an appointment with your GP if the rash spreads."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        for m in an.matches["cta"]:
            t = _text(an, m)
            assert m.entry is not None
            yield _hit(an, m, f"Commercial call to action '{t}' inside informational text: advertising must be distinguishable from information.",
                       m.entry.suggestion or "Move the call to action out of the informational text and label it as advertising.", data={"term": m.entry.phrase})


@register
class SalesVoice(LexiconRule):
    id = "PR003"
    name = "promotional-first-person"
    severity = "warning"
    what = (
        "Flags the publisher's own sales voice in informational text: 'we leverage', 'we offer', 'our team', "
        "'our specialized approach', 'our clinic', and 'At <organisation>, we ...' "
        "(audit/data/promotion/voice.txt). First person inside a quotation is not flagged."
    )
    why = (
        "When the publisher of health information speaks about its own services, the page is advertising for "
        "them; readers must be able to tell (HONcode principles 6 and 8, JAMA benchmark 'disclosure')."
    )
    example = "At trufflesveinspecialists.com, we leverage cutting-edge techniques. Our team specializes in vein care."
    instead = "Describe the treatment in neutral, third-person terms ('Endovenous laser therapy seals the vein...') and put the service description on a labelled page."
    references = (_HONCODE, "Silberg WM et al. JAMA 1997;277:1244-5 (benchmarks: authorship, attribution, disclosure, currency)")
    fail_examples = (
        Example("Our specialized vascular approach helps patients walk again."),
        Example("At Acme Vein Clinic, we treat the root causes of leg pain."),
        Example("We leverage modern imaging to plan treatment."),
    )
    pass_examples = (
        Example('"Our team found that iron levels mattered," said Dr. Lee, who led the study.'),
        Example("Compression stockings improve blood flow in the legs."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        cta = {(m.block, m.start, m.end) for m in an.matches["cta"]}
        for m in an.matches["voice"]:
            if m.quoted or any(bi == m.block and a < m.end and m.start < b for bi, a, b in cta):
                continue
            t = _text(an, m)
            assert m.entry is not None
            yield _hit(an, m, f"Promotional first person '{t}': the publisher is describing its own services in informational text.",
                       m.entry.suggestion or "Describe the treatment neutrally, or move it to a clearly labelled page.", data={"term": m.entry.phrase})
        yield from self._at_org_we(an)

    def _at_org_we(self, an: Analysis) -> Iterator[Hit]:
        """'At <Name or domain>, we ...' at the start of a sentence."""
        for info in an.blocks:
            toks = info.toks
            if "we" not in toks.lower:
                continue
            starts = set(info.sentence_starts)
            for k in range(2, len(toks)):
                if toks.lower[k] != "we" or "," not in toks.gap(k):
                    continue
                for i in range(k - 1, max(-1, k - 8), -1):
                    if toks.lower[i] == "at" and i in starts:
                        name_ok = all(toks.word(x)[:1].isupper() or "." in toks.gap(x) or "." in toks.gap(x + 1) for x in range(i + 1, k))
                        if name_ok and not info.is_quoted(toks.starts[i]):
                            a, b = info.block.map.span(toks.starts[i], toks.ends[k])
                            phrase = info.block.text[toks.starts[i] : toks.ends[k]]
                            yield Hit(a, b, f"Promotional first person '{phrase}': the publisher is describing its own services in informational text.",
                                      "Describe the treatment neutrally, or move it to a clearly labelled page.", data={"term": "at <organisation>, we"})
                        break


@register
class OrganisationMention(LexiconRule):
    id = "PR004"
    name = "brand-mention"
    severity = "warning"
    options = (
        Option("detect", bool, True, "Also detect organisations that are not configured: commercial domains, and capitalised names (…Clinic, …Specialists) that match the page's domain or are recommended ('centers like X')."),
    )
    what = (
        "Flags organisation, brand and website names in informational text: names and domains listed in "
        "`organizations` (and the site name in the page metadata, e.g. og:site_name) everywhere; domains on "
        "commercial top-level domains (.com, .clinic...) that are not authoritative sources; and capitalised "
        "names ending in Clinic, Specialists, Center, Institute, Health, Medical, Group... when they resemble "
        "the page's own domain or are recommended ('reputable centers like X', 'clinics such as X', 'visit X'). "
        "`accepted_terms` are never flagged."
    )
    why = (
        "Naming the publisher or recommending a provider inside health information is self-promotion: the "
        "reader cannot tell whether the advice serves them or the business (HONcode principle 8; EU Directive "
        "2001/83/EC art. 90 for medicines)."
    )
    example = "Consulting specialists at reputable centers like Truffle Vein Specialists is essential."
    instead = "Describe which kind of specialist to see and why ('a vascular specialist can check for vein disease'); name providers only in a labelled directory or advertisement."
    references = (_HONCODE, _EU90)
    fail_examples = (
        Example("Visit specialized clinics such as Truffle Vein Specialists for an assessment."),
        Example("More details at trufflesveinspecialists.com."),
        Example("Acme Health treats varicose veins.", config={"organizations": ["Acme Health"]}),
    )
    pass_examples = (
        Example("Researchers at the Mayo Clinic studied 200 patients."),
        Example("Guidance is available at nhs.uk and cdc.gov."),
        Example("Acme Health treats varicose veins.", config={"organizations": ["Acme Health"], "accepted_terms": ["Acme Health"]}),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        accepted = {t.lower() for t in getattr(settings, "accepted_terms", ()) or ()}
        for m in an.orgs:
            how = m.detail.get("how")
            name = m.detail.get("name", _text(an, m))
            if how in ("detected", "linked", "endorsed") and not options["detect"]:
                continue
            if name.lower() in accepted:
                continue
            fix = "Name the kind of specialist or service instead; keep provider names in a labelled advertisement or directory."
            if m.detail.get("domain"):
                msg = f"Website '{name}' named in informational text: a commercial site mentioned in health information is advertising."
            elif how == "endorsed":
                msg = f"Recommends a named provider ('{m.detail.get('cue')} {name}'): an endorsement of a business inside health information."
            elif how == "linked":
                msg = f"Names '{name}', the organisation behind this page's domain: self-promotion in informational text."
            else:
                msg = f"Names the organisation '{name}' (configured in `organizations` or the page metadata): self-promotion in informational text."
            yield _hit(an, m, msg, fix, data={"organization": name, "how": how})


@register
class AlarmistUrgency(LexiconRule):
    id = "PR005"
    name = "alarmist-urgency"
    severity = "warning"
    what = (
        "Flags pressure and fear: 'don't wait', 'act now', 'before it's too late', 'don't let X ruin your life' "
        "(audit/data/promotion/urgency.txt), and a consultation presented as indispensable ('consultation is "
        "essential', 'consulting a specialist is crucial'). Emergency advice (a sentence about 911, stroke, chest "
        "pain, bleeding...) and sending the reader to their own doctor or pharmacist ('don't wait: see your GP', "
        "or 'don't wait' followed by 'get medical help') are not flagged."
    )
    why = (
        "Fear and pressure push readers to buy rather than decide. EU Directive 2001/83/EC art. 90 bans "
        "'improper, alarming or misleading terms' and suggestions that health will suffer without the product; "
        "the ABPI Code forbids causing unnecessary alarm."
    )
    example = "Don't wait until it's too late: prompt consultation is essential."
    instead = "Say which symptoms need care and how soon: 'See a doctor within a week if the swelling does not go down; call 911 if one leg is suddenly swollen and painful.'"
    references = (_EU90, "ABPI Code of Practice clause 26.2: no unnecessary alarm or misleading statements to the public")
    fail_examples = (
        Example("Don't wait: act now before it's too late."),
        Example("Prompt medical consultation is essential for long-term relief."),
        Example("Consulting a vascular medicine specialist is crucial."),
    )
    pass_examples = (
        Example("If you have stroke symptoms, don't wait: call 911."),
        Example("Don't wait until your symptoms get worse: see your GP."),
        Example("Consulting your doctor is essential before you stop a medicine."),
        Example("Iron is essential for making red blood cells."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        cues = load_cues(FAMILY, "cues.txt")
        emergency, generic = cues["emergency"], cues["generic_providers"]
        for m in an.matches["urgency"]:
            if m.quoted:
                continue
            info = an.blocks[m.block]
            i = m.detail["tokens"][0]
            lo, hi = info.sentence_of(i)
            words = info.toks.lower[lo:hi]
            if emergency.intersection(words):
                continue
            # "Don't wait until it gets worse: see your GP." / "... don't wait. Get medical help."
            following = _sentence_words(info, hi) if hi < len(info.toks.lower) else []
            if _refers_to_care(words, generic) or _refers_to_care(following, generic):
                continue
            t = _text(an, m)
            assert m.entry is not None
            yield _hit(an, m, f"Alarmist urgency '{t}': pressure instead of information about when care is needed.",
                       m.entry.suggestion or "State which symptoms need care and how soon.", data={"term": m.entry.phrase})
        yield from self._essential(an, cues)

    def _essential(self, an: Analysis, cues: dict[str, frozenset[str]]) -> Iterator[Hit]:
        consult, essential, generic, emergency = cues["consult"], cues["essential"], cues["generic_providers"], cues["emergency"]
        for info in an.blocks:
            lower = info.toks.lower
            if essential.isdisjoint(lower):
                continue
            for k, w in enumerate(lower):
                if w not in essential or k < 2 or lower[k - 1] not in ("is", "are", "remains", "becomes") and not (lower[k - 2] in ("is", "are") and lower[k - 1] in ("absolutely", "especially", "therefore", "thus", "also")):
                    continue
                lo, hi = info.sentence_of(k)
                start = next((x for x in range(max(lo, k - 16), k) if lower[x] in consult), None)
                if start is None:
                    continue
                sentence = set(lower[lo:hi])
                if sentence & generic or sentence & emergency or info.is_quoted(info.toks.starts[start]):
                    continue
                a, b = info.block.map.span(info.toks.starts[start], info.toks.ends[k])
                phrase = info.block.text[info.toks.starts[start] : info.toks.ends[k]]
                yield Hit(a, b, f"Alarmist urgency: '{phrase}' presents a consultation as indispensable.",
                          "Say which symptoms or situations need a consultation and how soon, and that the reader's own doctor can advise.",
                          data={"term": "consultation is essential"})


@register
class SensationalLanguage(LexiconRule):
    id = "PR006"
    name = "sensational-language"
    severity = "warning"
    options = (
        Option("quotations", bool, True, "Also report sensational words inside direct quotations (at info severity)."),
    )
    what = "Flags sensational words: 'miracle', 'game-changer', 'dramatic', 'dramatically', 'amazing', 'magic bullet', 'wonder drug' and more (audit/data/promotion/sensational.txt)."
    why = (
        "Sensational words inflate benefits and hide their size. HealthNewsReview.org criterion 10 asks whether a "
        "story uses unjustifiable, sensational language; EU Directive 2001/83/EC art. 90 bans misleading terms."
    )
    example = "This miracle supplement dramatically reduces joint pain."
    instead = "Give the size of the effect with its source: 'In one trial of 120 adults, pain scores fell by 1 point on a 10-point scale more than with placebo.'"
    references = (_HNR, _EU90)
    fail_examples = (
        Example("This miracle supplement dramatically reduces joint pain."),
        Example("Doctors call the new pill a game-changer."),
    )
    pass_examples = (
        Example("In the trial, pain scores fell by 1.2 points more than with placebo."),
        Example("Sudden dramatic weight loss should be checked by a doctor."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        return _quotable_hits(
            an, "sensational", options, "Sensational language: '{}' dramatises instead of giving the size of the effect.",
            "check it is balanced by the data", "Give the size of the effect with its source.",
        )


@register
class SpeculativePromise(LexiconRule):
    id = "PR007"
    name = "speculative-promise"
    severity = "warning"
    what = (
        "Flags future benefits presented as assured: 'these innovations promise improved outcomes', 'holds great "
        "promise', 'will revolutionize', 'paves the way', guaranteed results, 'permanent relief', '100% effective' "
        "(audit/data/promotion/speculative.txt)."
    )
    why = (
        "Promising outcomes that have not been shown misleads readers about what a treatment can do today. "
        "HealthNewsReview.org asks whether benefits are quantified and whether a treatment is really available; "
        "the ABPI Code requires claims to reflect the evidence."
    )
    example = "These innovations promise improved outcomes for patients."
    instead = "Say what has been shown, in whom, and what is still unknown: 'Early studies in 40 patients suggest...; larger trials are under way.'"
    references = ("HealthNewsReview.org criteria 2 (quantify benefits) and 7 (availability)", "ABPI Code of Practice clause 6.2: claims must be capable of substantiation")
    fail_examples = (
        Example("These innovations promise improved outcomes for patients."),
        Example("Gene therapy will revolutionize the treatment of anaemia."),
        Example("Guaranteed results or your money back."),
    )
    pass_examples = (
        Example("Early studies in 40 patients suggest a benefit; larger trials are under way."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        for m in an.matches["speculative"]:
            i = m.detail["tokens"][0]
            if i and an.blocks[m.block].toks.lower[i - 1] in _NEGATIONS:
                continue
            t = _text(an, m)
            assert m.entry is not None
            yield _hit(an, m, f"Speculative promise '{t}': a benefit presented as assured before it has been shown.",
                       m.entry.suggestion or "Say what has been shown so far and what is still unknown.", data={"term": m.entry.phrase})


@register
class Testimonial(LexiconRule):
    id = "PR008"
    name = "testimonial-or-endorsement"
    severity = "warning"
    what = (
        "Flags testimonials and endorsements: first-person success stories ('I tried X and my pain was gone'), "
        "'changed my life', 'what our patients say', star ratings, 'doctor-recommended', 'Dr. X recommends our...', "
        "'as seen on' (audit/data/promotion/testimonial.txt)."
    )
    why = (
        "A testimonial is one person's experience presented as evidence, and an endorsement borrows authority. "
        "The FTC Endorsement Guides require typical results to be disclosed; EU Directive 2001/83/EC art. 90 "
        "bans recommendations by health professionals or celebrities and testimonials of recovery in medicines advertising."
    )
    example = "I tried FlexiJoint and within a week my knee pain was gone! ★★★★★"
    instead = "Report the results of studies (how many people improved, by how much, compared with what), not individual stories."
    references = (_FTC, _EU90)
    fail_examples = (
        Example("I tried FlexiJoint and within a week my knee pain was gone!"),
        Example("Dr. Smith recommends our supplement to all her patients."),
        Example("Rated ★★★★★ by our customers."),
    )
    pass_examples = (
        Example("In a trial of 300 adults, 40% reported less pain after 12 weeks."),
        Example("I tried to find the original study but it was not published."),
    )

    def find(self, doc: Document, an: Analysis, options: dict[str, Any], settings: Any) -> Iterator[Hit]:
        for m in an.matches["testimonial"]:
            t = _text(an, m)
            if m.entry is not None and "-recommended" in m.entry.phrase and "recommended" in t.lower() and "-" not in t:
                continue  # "his doctors recommended surgery" is not an endorsement label
            fix = m.entry.suggestion if m.entry is not None and m.entry.suggestion else "Report study results instead of individual stories or ratings."
            yield _hit(an, m, f"Testimonial or endorsement '{t}': one person's experience or a borrowed authority is not evidence.", fix,
                       data={"term": m.entry.phrase if m.entry is not None else "star rating"})
        yield from self._first_person(an)

    def _first_person(self, an: Analysis) -> Iterator[Hit]:
        cues = load_cues(FAMILY, "cues.txt")
        verbs, outcomes = cues["testimonial_verbs"], cues["testimonial_outcomes"]
        for info in an.blocks:
            lower = info.toks.lower
            if "i" not in lower:
                continue
            for k in range(len(lower) - 1):
                if lower[k] != "i" or lower[k + 1] not in verbs or (k + 2 < len(lower) and lower[k + 2] == "to"):
                    continue
                _lo, hi = info.sentence_of(k)
                end = next((x for x in range(k + 2, min(hi, k + 30)) if lower[x] in outcomes), None)
                if end is None:
                    continue
                a, b = info.block.map.span(info.toks.starts[k], info.toks.ends[end])
                phrase = info.block.text[info.toks.starts[k] : info.toks.ends[end]]
                yield Hit(a, b, f"Testimonial '{phrase}': one person's experience is not evidence that a treatment works.",
                          "Report study results instead of individual stories.", data={"term": "first-person testimonial"})


def promotion_hits(an: Analysis) -> Iterable[Match]:
    """Every lexicon match of the analysis (for reports that list flagged phrases)."""
    for ms in an.matches.values():
        yield from ms
