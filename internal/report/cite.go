package report

import (
	"fmt"
	"io"
	"strings"
)

// CommandLine joins args into one line that a POSIX shell reads back as
// the same arguments: words with characters the shell treats specially
// are single-quoted. Reports and manifests print the exact command with it.
func CommandLine(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Source keys for References.
const (
	RefThesis       = "thesis"
	RefODD          = "odd"
	RefUppsala      = "uppsala"
	RefUppsala2009  = "uppsala-2009"
	RefMorris       = "morris"
	RefCampolongo   = "campolongo"
	RefSaltelli     = "saltelli"
	RefJansen       = "jansen"
	RefLHS          = "lhs"
	RefBootstrap    = "bootstrap"
	RefCRN          = "crn"
	RefStudentT     = "student"
	RefOkabeIto     = "okabe-ito"
	RefKindlmann    = "kindlmann"
	RefSobol        = "sobol"
	RefIshigami     = "ishigami"
	RefSaltelliBook = "saltelli-book"
	RefToni         = "toni"
	RefBeaumont     = "beaumont"
	RefVanDerVaart  = "van-der-vaart"
)

// Thesis is the full reference of the master thesis rinsim is built from.
// The text the model was built from has no title page: the title here is
// the thesis's first research question (§1.2), and author and institution
// are not named in it.
const Thesis = "Master thesis (2016), *How can regional innovation networks (RIN) facilitate the " +
	"internationalization of SMEs?* A qualitative multiple case study of three Norwegian regional " +
	"innovation networks: OREEC (Oslo Renewable Energy and Environment Cluster), Oslo Medtech and " +
	"Clean Water Norway. Author and institution are not named in the copy the model was built from; " +
	"the title is the thesis's first research question (section 1.2)."

// references are full references of every outside source the tool's
// outputs cite.
var references = map[string]string{
	RefThesis: Thesis,
	RefODD: "Grimm, V., Railsback, S. F., Vincenot, C. E., Berger, U., Gallagher, C., DeAngelis, D. L., et al. (2020). " +
		"The ODD protocol for describing agent-based and other simulation models: a second update to improve clarity, " +
		"replication, and structural realism. *Journal of Artificial Societies and Social Simulation*, 23(2), 7.",
	RefUppsala: "Johanson, J., & Vahlne, J.-E. (1977). The internationalization process of the firm: a model of knowledge " +
		"development and increasing foreign market commitments. *Journal of International Business Studies*, 8(1), 23-32.",
	RefUppsala2009: "Johanson, J., & Vahlne, J.-E. (2009). The Uppsala internationalization process model revisited: from " +
		"liability of foreignness to liability of outsidership. *Journal of International Business Studies*, 40(9), 1411-1431.",
	RefMorris: "Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments. " +
		"*Technometrics*, 33(2), 161-174.",
	RefCampolongo: "Campolongo, F., Cariboni, J., & Saltelli, A. (2007). An effective screening design for sensitivity " +
		"analysis of large models. *Environmental Modelling & Software*, 22(10), 1509-1518.",
	RefSaltelli: "Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., & Tarantola, S. (2010). Variance based " +
		"sensitivity analysis of model output. Design and estimator for the total sensitivity index. " +
		"*Computer Physics Communications*, 181(2), 259-270.",
	RefJansen: "Jansen, M. J. W. (1999). Analysis of variance designs for model output. " +
		"*Computer Physics Communications*, 117(1-2), 35-43.",
	RefSobol: "Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their Monte Carlo " +
		"estimates. *Mathematics and Computers in Simulation*, 55(1-3), 271-280.",
	RefIshigami: "Ishigami, T., & Homma, T. (1990). An importance quantification technique in uncertainty analysis for " +
		"computer models. *Proceedings of the First International Symposium on Uncertainty Modeling and Analysis*, 398-403. IEEE.",
	RefSaltelliBook: "Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana, M., & " +
		"Tarantola, S. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.",
	RefLHS: "McKay, M. D., Beckman, R. J., & Conover, W. J. (1979). A comparison of three methods for selecting values of " +
		"input variables in the analysis of output from a computer code. *Technometrics*, 21(2), 239-245.",
	RefBootstrap: "Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.",
	RefCRN:       "Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.), chapter 11 (common random numbers). McGraw-Hill.",
	RefStudentT:  "Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1-25.",
	RefOkabeIto: "Okabe, M., & Ito, K. (2008). *Color Universal Design (CUD): how to make figures and presentations that are " +
		"friendly to colorblind people*. J*Fly. https://jfly.uni-koeln.de/color/",
	RefToni: "Toni, T., Welch, D., Strelkowa, N., Ipsen, A., & Stumpf, M. P. H. (2009). Approximate Bayesian " +
		"computation scheme for parameter inference and model selection in dynamical systems. *Journal of the Royal " +
		"Society Interface*, 6(31), 187-202.",
	RefBeaumont: "Beaumont, M. A., Cornuet, J.-M., Marin, J.-M., & Robert, C. P. (2009). Adaptive approximate " +
		"Bayesian computation. *Biometrika*, 96(4), 983-990.",
	RefVanDerVaart: "van der Vaart, E., Beaumont, M. A., Johnston, A. S. A., & Sibly, R. M. (2015). Calibration and " +
		"evaluation of individual-based models using approximate Bayesian computation. *Ecological Modelling*, 312, 182-190.",
	RefKindlmann: "Moreland, K. (2016). Why we use bad color maps and what you can do about it. " +
		"*Electronic Imaging*, 2016(16), 1-6 (the Kindlmann map).",
}

// Reference returns the full reference of a source key; it panics for an
// unknown key, which is a programming error.
func Reference(key string) string {
	r, ok := references[key]
	if !ok {
		panic("report: no reference for " + key)
	}
	return r
}

// WriteReferences writes a Markdown "References" section listing the
// sources of keys, in the order given, without repeats.
func WriteReferences(w io.Writer, keys ...string) error {
	var b strings.Builder
	b.WriteString("## References\n\n")
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		fmt.Fprintf(&b, "- %s\n", Reference(k))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Provenance is the "How this was made" section of a report.md: what a
// reader needs to repeat the results without anything but the report.
type Provenance struct {
	CommandLine  string   // the exact command, from CommandLine
	Scenario     string   // scenario name
	Source       string   // built-in name or file, as given to --scenario
	Builtin      bool     // Source names a built-in scenario
	ScenarioHash string   // SHA-256 of the resolved scenario, hex
	MasterSeed   uint64   // --seed
	Seeds        []uint64 // seed of replication r, for every r
	References   []string // source keys besides the thesis
}

// Markdown returns the section, ending with the References.
func (p Provenance) Markdown() string {
	var b strings.Builder
	b.WriteString("## How this was made\n\n")
	fmt.Fprintf(&b, "Command (run it again to rewrite these files; add `--out DIR` to choose the folder):\n\n    %s\n\n", p.CommandLine)
	from := fmt.Sprintf("the scenario file `%s`", p.Source)
	if p.Builtin {
		from = "built into rinsim"
	}
	fmt.Fprintf(&b, "Scenario `%s`, %s; SHA-256 of the resolved scenario %s. `manifest.json` in this folder holds every "+
		"parameter value and the resolved scenario file.\n\n", p.Scenario, from, p.ScenarioHash)
	if len(p.Seeds) > 0 {
		fmt.Fprintf(&b, "Master seed %d. Replication r uses the same seed in every scenario (common random numbers); "+
			"`rinsim run --seed S` with the scenario and its settings repeats one replication. Seeds by replication:", p.MasterSeed)
		for r, s := range p.Seeds {
			sep := ","
			if r == 0 {
				sep = ""
			}
			fmt.Fprintf(&b, "%s %d: %d", sep, r, s)
		}
		b.WriteString(".\n\n")
	} else {
		fmt.Fprintf(&b, "Seed %d.\n\n", p.MasterSeed)
	}
	bi := ReadBuild()
	fmt.Fprintf(&b, "rinsim %s (module version %s, commit %s), built with %s. The model is an agent-based simulation "+
		"built from the master thesis below; the ODD description of the model is `docs/ODD.md` in the rinsim repository.\n\n",
		bi.Version, orUnknown(bi.ModuleVersion), bi.Commit, bi.GoVersion)
	var refs strings.Builder
	WriteReferences(&refs, append([]string{RefThesis}, p.References...)...)
	b.WriteString(refs.String())
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
