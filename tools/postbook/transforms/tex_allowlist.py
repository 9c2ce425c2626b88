"""Which TeX commands and environments a formula may use (everything else is rewritten or removed)."""

from __future__ import annotations

# Commands that could read or write files, run programs, redefine TeX, or (in MathJax) make
# links, HTML classes and styles. Removed with a warning, wherever they appear.
FORBIDDEN_COMMANDS = frozenset("""
input include includeonly InputIfFileExists write immediate openout openin closeout closein read
readline newwrite newread endinput catcode lccode uccode mathcode delcode sfcode def edef gdef xdef
let futurelet csname endcsname expandafter noexpand newcommand renewcommand providecommand
DeclareRobustCommand newenvironment renewenvironment usepackage RequirePackage documentclass
special href url unicode class style cssId require html htmlClass htmlStyle htmlId htmlData
makeatletter makeatother jobname loop repeat aftergroup afterassignment global long outer protected
uppercase lowercase string detokenize scantokens unexpanded everymath everydisplay everypar
everyjob everyhbox everyvbox everycr output shipout message errmessage typeout wlog newcount
newdimen newskip newtoks newbox count dimen skip toks setbox box copy vbox hbox vtop directlua
luaexec pdfprimitive primitive pdfshellescape ShellEscape write18 IfFileExists tracingall
tracingonline showlists show showthe showbox errorstopmode batchmode nonstopmode scrollmode
begingroup endgroup relax end bye dump patterns hyphenation font nullfont char chardef
mathchardef countdef toksdef numexpr dimexpr glueexpr muexpr ifx ifcase ifnum ifdim ifodd ifvmode
ifhmode ifmmode ifinner ifvoid ifeof iftrue iffalse ifcat ifdefined ifcsname else fi or
afterassignment lastbox vsplit unvbox unhbox unvcopy unhcopy insert mark vadjust penalty
kern hskip vskip hss vss
""".split())

# Text-mode commands: their argument is text (CJK allowed inside).
TEXT_COMMANDS = frozenset("text textrm textbf textit textsf texttt mbox textup textnormal".split())

ALLOWED_COMMANDS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa lambda mu nu
xi omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta
Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega digamma
frac dfrac tfrac cfrac binom dbinom tbinom sqrt root of genfrac over choose atop
sum prod coprod int iint iiint oint bigcup bigcap bigoplus bigotimes bigodot biguplus bigsqcup
bigvee bigwedge lim limsup liminf sup inf max min arg argmax argmin det exp log ln lg sin cos tan
cot sec csc arcsin arccos arctan sinh cosh tanh coth deg dim gcd hom ker Pr mod bmod pmod pod
operatorname mathop mathrm mathbf mathit mathsf mathtt mathcal mathbb mathfrak mathscr boldsymbol
bm pmb mathnormal displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits
left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr middle
langle rangle lceil rceil lfloor rfloor lvert rvert lVert rVert vert Vert backslash
uparrow downarrow updownarrow Uparrow Downarrow Updownarrow
hat widehat tilde widetilde bar overline underline vec dot ddot dddot breve check acute grave
mathring overrightarrow overleftarrow overleftrightarrow underrightarrow underleftarrow
overbrace underbrace stackrel overset underset xrightarrow xleftarrow boxed cancel not
quad qquad enspace thinspace negthinspace medspace thickspace hspace phantom hphantom vphantom
smash mathstrut strut
cdot cdots ldots dots dotsc dotsb dotsm vdots ddots times div pm mp ast star circ bullet oplus
ominus otimes oslash odot wedge vee cap cup setminus sqcap sqcup uplus amalg dagger ddagger wr
leq le geq ge neq ne equiv approx sim simeq cong propto ll gg prec succ preceq succeq subset
supset subseteq supseteq subsetneq supsetneq in ni notin mid nmid parallel nparallel perp models
vdash dashv asymp doteq triangleq coloneqq leqslant geqslant lesssim gtrsim ncong nsim lneq gneq
to gets rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow longrightarrow
longleftarrow longleftrightarrow Longrightarrow Longleftarrow Longleftrightarrow mapsto
longmapsto implies impliedby iff hookrightarrow hookleftarrow rightharpoonup leftharpoonup
rightleftharpoons nearrow searrow swarrow nwarrow uparrow leadsto
infty partial nabla forall exists nexists emptyset varnothing neg lnot top bot angle triangle
square blacksquare Box Diamond clubsuit diamondsuit heartsuit spadesuit flat natural sharp
ell hbar imath jmath Re Im aleph beth wp prime backprime surd checkmark dag ddag S P
colon vdots cdotp ldotp because therefore
color textcolor
tag nonumber notag label eqref ref
substack
""".split()) | TEXT_COMMANDS

# Single-character escapes that are always fine: \, \; \! \: \  \{ \} \| \% \# \& \_ \\ \>
ALLOWED_SYMBOL_ESCAPES = frozenset(",;!: {}|%#&_\\>")

# Environments allowed inside a formula. Display-level ones (equation, align, ...) are unwrapped
# or turned into these by transforms.math before the check.
ALLOWED_ENVIRONMENTS = frozenset("""
aligned alignedat gathered split cases matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix
array subarray
""".split())

# MathJax-only spellings and their LaTeX (amsmath) equivalents.
REWRITES = {"bm": "boldsymbol", "pmb": "boldsymbol", "mathscr": "mathcal", "coloneqq": "mathrel{:}=",
            "argmax": "operatorname*{argmax}", "argmin": "operatorname*{argmin}",
            "lesssim": "precsim", "gtrsim": "succsim", "leqslant": "leq", "geqslant": "geq",
            "implies": "Longrightarrow", "impliedby": "Longleftarrow", "checkmark": "surd",
            "square": "Box", "varnothing": "emptyset", "omicron": "mathit{o}",
            "cancel": "overline", "textcolor": "color"}
