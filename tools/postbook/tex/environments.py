"""The display environments formulas are written in, named once: the readers find formulas by
them, the converter unwraps them (tex.prepare), the editions without MathJax turn them into their
box-shaped inner forms (sphinxext.texmath)."""

from __future__ import annotations

# the environments a display may be written in, as MathJax takes them (a starred form too)
DISPLAY_ENVIRONMENTS = ("equation", "align", "gather", "multline", "eqnarray", "flalign",
                        "alignat", "displaymath")
ENV_ALTERNATION = "|".join(DISPLAY_ENVIRONMENTS)
# those that number their rows unless starred (displaymath never does)
NUMBERED = tuple(env for env in DISPLAY_ENVIRONMENTS if env != "displaymath")
# those whose rows are aligned (set inside aligned) or centred (inside gathered)
ALIGNED = ("align", "eqnarray", "flalign", "alignat")
GATHERED = ("gather", "multline")
ROW_ENVIRONMENTS = tuple(name for env in ALIGNED + GATHERED for name in (env, env + "*"))
# each display environment's inner, box-shaped form (None: none, its content is the formula);
# alignat's column count makes it alignedat
INNER_FORMS = {"equation": None, "align": "aligned", "flalign": "aligned", "alignat": "alignedat",
               "eqnarray": "aligned", "gather": "gathered", "multline": "gathered"}
