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
boxplus boxminus boxtimes boxdot intercal lhd rhd unlhd unrhd bowtie ltimes rtimes leftthreetimes
rightthreetimes curlywedge curlyvee barwedge doublebarwedge circledast circledcirc circleddash
centerdot dotplus divideontimes smallsetminus Cap Cup land lor
leqq geqq lessgtr gtrless lesseqgtr gtreqless nleq ngeq nless ngtr nleqslant ngeqslant lneqq gneqq
lnsim gnsim lessapprox gtrapprox approxeq eqsim backsim backsimeq thicksim thickapprox subseteqq
supseteqq Subset Supset sqsubset sqsupset sqsubseteq sqsupseteq nsubseteq nsupseteq subsetneqq
supsetneqq varsubsetneq varsupsetneq vartriangleleft vartriangleright trianglelefteq
trianglerighteq ntriangleleft ntriangleright ntrianglelefteq ntrianglerighteq preccurlyeq
succcurlyeq curlyeqprec curlyeqsucc precsim succsim precapprox succapprox nprec nsucc npreceq
nsucceq precneqq succneqq vDash Vdash Vvdash nvdash nvDash nVdash nVDash smile frown smallsmile
smallfrown shortmid shortparallel nshortmid nshortparallel pitchfork between bumpeq Bumpeq circeq
eqcirc fallingdotseq risingdotseq doteqdot multimap varpropto blacktriangleleft
blacktriangleright lll ggg llless gggtr lessdot gtrdot lesseqqgtr gtreqqless eqslantless
eqslantgtr lvertneqq gvertneqq
leftrightarrows rightleftarrows leftleftarrows rightrightarrows upuparrows downdownarrows
Lleftarrow Rrightarrow twoheadrightarrow twoheadleftarrow leftarrowtail rightarrowtail
looparrowleft looparrowright curvearrowleft curvearrowright circlearrowleft circlearrowright Lsh
Rsh upharpoonleft upharpoonright downharpoonleft downharpoonright leftharpoondown
rightharpoondown leftrightharpoons rightsquigarrow leftrightsquigarrow nleftarrow nrightarrow
nLeftarrow nRightarrow nleftrightarrow nLeftrightarrow
xleftrightarrow xLeftarrow xRightarrow xLeftrightarrow xmapsto xhookleftarrow xhookrightarrow
lbrace rbrace lbrack rbrack llcorner lrcorner ulcorner urcorner lgroup rgroup lmoustache
rmoustache
varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi varOmega
mho eth Finv Game complement diagup diagdown hslash vartriangle triangledown blacktriangle
blacktriangledown lozenge blacklozenge bigstar sphericalangle measuredangle circledS Bbbk gimel
daleth backepsilon bigtriangleup bigtriangledown triangleleft triangleright
negmedspace negthickspace injlim projlim varinjlim varprojlim varliminf varlimsup
sideset dotsi dotso idotsint iiiint mathclap mathllap mathrlap underbracket overbracket
rm bf it sf tt cal Large large LARGE huge Huge normalsize small scriptsize tiny hline
veebar smallint intop diamond bigcirc owns Join mathbin mathrel mathord mathopen mathclose
mathinner bigm Bigm biggm Biggm underleftrightarrow ddddot circledR yen maltese dashrightarrow
dashleftarrow restriction doublecap doublecup nleqq nsubseteqq nsupseteqq varsubsetneqq
varsupsetneqq precnapprox succnapprox lnapprox gnapprox precnsim succnsim xrightleftharpoons
eqqcolon Coloneqq coloneq brace brack
""".split()) | TEXT_COMMANDS
# (the commands from boxplus on: amssymb, amsmath and mathtools, all known to MathJax; checked by
# compiling each with the book's packages and typesetting it with the vendored MathJax)

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
            "cancel": "overline", "textcolor": "color", "Bbb": "mathbb", "mathbbm": "mathbb",
            # KaTeX's HTML-entity names, as KaTeX blogs (Hexo, Hugo) write them
            "infin": "infty", "empty": "emptyset", "isin": "in", "exist": "exists",
            "plusmn": "pm", "sdot": "cdot", "alef": "aleph", "alefsym": "aleph",
            "lang": "langle", "rang": "rangle", "larr": "leftarrow", "rarr": "rightarrow",
            "lArr": "Leftarrow", "rArr": "Rightarrow", "harr": "leftrightarrow",
            "hArr": "Leftrightarrow", "uarr": "uparrow", "darr": "downarrow",
            "sub": "subset", "sube": "subseteq", "supe": "supseteq", "thetasym": "vartheta",
            "weierp": "wp", "image": "Im", "real": "Re", "Reals": "mathbb{R}",
            "reals": "mathbb{R}", "natnums": "mathbb{N}", "R": "mathbb{R}", "N": "mathbb{N}",
            "Z": "mathbb{Z}", "Complex": "mathbb{C}", "cnums": "mathbb{C}",
            "LaTeX": "text{LaTeX}", "KaTeX": "text{KaTeX}", "TeX": "text{TeX}"}
# MathJax-only commands for characters LaTeX takes as they are
PLAIN_REWRITES = {"lt": "<", "gt": ">"}

# Unicode characters typed into formulas (MathJax takes them; LaTeX's math fonts lack them) and
# the commands LaTeX knows them by. Every other non-ASCII character goes into \text{...}.
UNICODE_MATH = {
    "\u03b1": "alpha", "\u03b2": "beta", "\u03b3": "gamma", "\u03b4": "delta",
    "\u03f5": "epsilon", "\u03b5": "varepsilon", "\u03b6": "zeta", "\u03b7": "eta",
    "\u03b8": "theta", "\u03d1": "vartheta", "\u03b9": "iota", "\u03ba": "kappa",
    "\u03bb": "lambda", "\u03bc": "mu", "\u03bd": "nu", "\u03be": "xi", "\u03c0": "pi",
    "\u03c1": "rho", "\u03c3": "sigma", "\u03c2": "varsigma", "\u03c4": "tau",
    "\u03c5": "upsilon", "\u03d5": "phi", "\u03c6": "varphi", "\u03c7": "chi", "\u03c8": "psi",
    "\u03c9": "omega", "\u0393": "Gamma", "\u0394": "Delta", "\u0398": "Theta",
    "\u039b": "Lambda", "\u039e": "Xi", "\u03a0": "Pi", "\u03a3": "Sigma", "\u03a5": "Upsilon",
    "\u03a6": "Phi", "\u03a8": "Psi", "\u03a9": "Omega",
    "\u2264": "leq", "\u2a7d": "leq", "\u2265": "geq", "\u2a7e": "geq", "\u2260": "neq",
    "\u2248": "approx", "\u2261": "equiv", "\u223c": "sim", "\u2243": "simeq", "\u2245": "cong",
    "\u221d": "propto", "\u226a": "ll", "\u226b": "gg", "\u2208": "in", "\u2209": "notin",
    "\u220b": "ni", "\u2282": "subset", "\u2283": "supset", "\u2286": "subseteq",
    "\u2287": "supseteq", "\u2229": "cap", "\u222a": "cup", "\u2205": "emptyset",
    "\u2200": "forall", "\u2203": "exists", "\u00ac": "neg", "\u2227": "wedge", "\u2228": "vee",
    "\u221e": "infty", "\u2211": "sum", "\u220f": "prod", "\u222b": "int", "\u222c": "iint",
    "\u222e": "oint", "\u2202": "partial", "\u2207": "nabla", "\u221a": "sqrt",
    "\u00d7": "times", "\u00b7": "cdot", "\u22c5": "cdot", "\u00f7": "div", "\u00b1": "pm",
    "\u2213": "mp", "\u2218": "circ", "\u2297": "otimes", "\u2295": "oplus",
    "\u2299": "odot", "\u22a5": "perp", "\u2225": "parallel", "\u2223": "mid",
    "\u2192": "to", "\u2190": "leftarrow", "\u2194": "leftrightarrow", "\u21d2": "Rightarrow",
    "\u21d0": "Leftarrow", "\u21d4": "Leftrightarrow", "\u21a6": "mapsto",
    "\u27e8": "langle", "\u27e9": "rangle", "\u2016": "Vert", "\u2026": "ldots",
    "\u22ef": "cdots", "\u22ee": "vdots", "\u22f1": "ddots", "\u2113": "ell", "\u210f": "hbar",
    "\u2235": "because", "\u2234": "therefore", "\u2020": "dagger",
    "\u211d": "mathbb{R}", "\u2115": "mathbb{N}", "\u2124": "mathbb{Z}", "\u211a": "mathbb{Q}",
    "\u2102": "mathbb{C}",
}
# characters written as plain TeX rather than a command
UNICODE_MATH_PLAIN = {"\u2212": "-", "\u2032": "'", "\u2033": "''", "\u00b0": "^\\circ",
                      "\u2217": "*"}
