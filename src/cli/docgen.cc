// secproto __generate man|bash-completion|commands: walks the CLI11 command
// tree that Main() built (every registered command, whatever file registered
// it) and prints the man page, the bash completion script or the list of
// command paths. Hidden from --help, the man page and the completion (its
// group is empty).
#include "docgen.h"

#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "commands.h"
#include "common.h"
#include "version.h"
#include "secproto/protocols.h"
#include "secproto/registry.h"

namespace secproto::cli {
namespace {

using ValuesFn = std::function<std::vector<std::string>()>;

std::map<std::string, ValuesFn>& ValueTable() {
  static std::map<std::string, ValuesFn> table;
  return table;
}

std::vector<std::string> ProtocolWords() {
  std::vector<std::string> out;
  for (const ProtocolInfo& p : AllProtocols()) out.emplace_back(p.short_name);
  for (const Profile& p : AllProfiles()) out.emplace_back(p.name);
  return out;
}

std::vector<std::string> ProfileWords() {
  std::vector<std::string> out;
  for (const Profile& p : AllProfiles()) out.emplace_back(p.name);
  return out;
}

// "hive:PATH" -> "hive:", "live" -> "live".
std::vector<std::string> TargetWords() {
  std::vector<std::string> out;
  for (const std::string& help : SupportedTargetSchemes()) {
    size_t colon = help.find(':');
    size_t end = help.find_first_of(" (");
    out.push_back(colon != std::string::npos ? help.substr(0, colon + 1) : help.substr(0, end));
  }
  return out;
}

const bool kBuiltinValues = [] {
  RegisterCompletionValues("--target", TargetWords);
  for (const char* name : {"PROTOCOLS", "--protocols", "--app-protocols", "--policy", "-p"}) {
    RegisterCompletionValues(name, ProtocolWords);
  }
  RegisterCompletionValues("--profile", ProfileWords);
  RegisterCompletionValues("PROFILE", ProfileWords);
  return true;
}();

// One command of the tree: "" for the root, "hive create" for a nested one.
struct Node {
  std::string path;
  const CLI::App* app;
};

bool Visible(const CLI::App* a) { return !a->get_group().empty(); }
bool VisibleOption(const CLI::Option* o) { return !o->get_group().empty(); }

void Walk(const CLI::App* app, const std::string& path, std::vector<Node>& out) {
  out.push_back({path, app});
  for (const CLI::App* sub : app->get_subcommands(Visible)) {
    Walk(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

std::vector<Node> Tree(const CLI::App& root) {
  std::vector<Node> nodes;
  Walk(&root, "", nodes);
  return nodes;
}

bool IsFlag(const CLI::Option* o) { return o->get_type_size_max() == 0; }

// The names of an option: {"-q", "--quiet"}; of a positional: {"PROTOCOLS"}.
std::vector<std::string> Names(const CLI::Option* o) {
  if (o->get_positional() && !o->nonpositional()) return {o->get_name()};
  std::vector<std::string> out;
  for (const std::string& s : o->get_snames()) out.push_back("-" + s);
  for (const std::string& l : o->get_lnames()) out.push_back("--" + l);
  return out;
}

bool IsPositional(const CLI::Option* o) { return !o->nonpositional(); }

// The choices of an IsMember check, from CLI11's type text "TEXT:{64,32}".
std::vector<std::string> Choices(const CLI::Option* o) {
  std::string t = o->get_type_name();
  size_t open = t.find('{');
  size_t close = t.find('}', open == std::string::npos ? 0 : open);
  std::vector<std::string> out;
  if (open == std::string::npos || close == std::string::npos) return out;
  std::stringstream ss(t.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Completion candidates for the values of `o`: its IsMember set, else the
// registered values of one of its names, else none (files are offered).
std::vector<std::string> Candidates(const CLI::Option* o) {
  std::vector<std::string> out = Choices(o);
  if (!out.empty()) return out;
  for (const std::string& n : Names(o)) {
    auto it = ValueTable().find(n);
    if (it != ValueTable().end()) return it->second();
  }
  return out;
}

// The type shown after an option in the man page: "TEXT", "INT".
std::string TypeWord(const CLI::Option* o) {
  std::string t = o->get_type_name();
  size_t colon = t.find(':');
  return colon == std::string::npos ? t : t.substr(0, colon);
}

// Escapes text for roff: backslashes, minus signs and control characters at
// the start of a line.
std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

// Folds blank lines so that roff does not print empty paragraphs.
std::string Paragraph(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' && !out.empty() && out.back() == '\n') continue;
    out += c;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

struct ExitCodeRow {
  int code;
  const char* meaning;
};
// The exit codes of README "Exit codes", keyed by the enum the CLI returns.
constexpr ExitCodeRow kExitCodes[] = {
    {kExitOk, "ok (for set, unset and rollback also when nothing needed to change)"},
    {kExitDrift,
     "drift or not compliant (check), errors found (doctor), a machine not compliant (audit), "
     "an endpoint breaks (impact)"},
    {kExitUsage, "bad usage or input: unknown flag or protocol, unknown bits, malformed backup"},
    {kExitTarget,
     "target or I/O failure: corrupt, dirty or locked hive, unparseable .reg file, unreadable "
     "file, no rights (not elevated), no endpoint reachable (probe, impact), nothing readable "
     "(audit)"},
};

void ManOptions(std::ostream& out, const CLI::App* app) {
  for (const CLI::Option* o : app->get_options(VisibleOption)) {
    std::string names;
    for (const std::string& n : Names(o)) {
      names += (names.empty() ? "\\fB" : ", \\fB") + Roff(n) + "\\fR";
    }
    if (IsPositional(o)) names = "\\fI" + Roff(o->get_name()) + "\\fR";
    if (!IsFlag(o) && !IsPositional(o)) names += " \\fI" + Roff(TypeWord(o)) + "\\fR";
    out << ".TP\n" << names << "\n";
    std::string desc = o->get_description();
    std::vector<std::string> choices = Choices(o);
    if (!choices.empty()) {
      std::string list;
      for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
      desc += " (one of: " + list + ")";
    }
    if (!o->get_default_str().empty()) desc += " (default: " + o->get_default_str() + ")";
    if (o->get_required()) desc += " (required)";
    out << Roff(Paragraph(desc.empty() ? "-" : desc)) << "\n";
  }
}

/// The section of one command: usage, description, subcommands, options
/// and footer.
void ManCommand(std::ostringstream& out, const Node& n) {
  out << ".SS \"secproto " << Roff(n.path) << "\"\n";
  std::string usage = "\\fBsecproto " + Roff(n.path) + "\\fR";
  if (!n.app->get_subcommands(Visible).empty()) usage += " \\fICOMMAND\\fR";
  if (!n.app->get_options([](const CLI::Option* o) { return VisibleOption(o) && !IsPositional(o); })
           .empty()) {
    usage += " [\\fIOPTIONS\\fR]";
  }
  for (const CLI::Option* o : n.app->get_options(VisibleOption)) {
    if (!IsPositional(o)) continue;
    std::string p = "\\fI" + Roff(o->get_name()) + "\\fR";
    if (o->get_items_expected_max() > 1) p += "...";
    usage += o->get_required() ? " " + p : " [" + p + "]";
  }
  out << usage << "\n.PP\n" << Roff(Paragraph(n.app->get_description())) << "\n";
  std::vector<const CLI::App*> subs = n.app->get_subcommands(Visible);
  if (!subs.empty()) {
    out << ".PP\nCommands:";
    for (const CLI::App* s : subs) out << " \\fB" << Roff(s->get_name()) << "\\fR";
    out << ".\n";
  }
  ManOptions(out, n.app);
  std::string footer = Paragraph(n.app->get_footer());
  if (!footer.empty()) out << ".PP\n.nf\n" << Roff(footer) << "\n.fi\n";
}

/// The reference sections after the commands: targets, protocols, profiles,
/// exit status, files.
void ManReference(std::ostringstream& out) {
  out << ".SH TARGETS\nCommands that read or write a registry take \\fB\\-\\-target\\fR, "
         "one of:\n";
  for (const std::string& s : SupportedTargetSchemes()) out << ".IP \\(bu 2\n" << Roff(s) << "\n";
  out << ".SH PROTOCOLS\nWherever \\fIPROTOCOLS\\fR is accepted: names and aliases "
         "(case\\-insensitive, separated by commas or spaces), a number (0x2800, 10240), a "
         "profile, or +/\\- edits of the stored value (+tls1.3 \\-tls1.0). The names:\n";
  for (const ProtocolInfo& p : AllProtocols()) {
    out << ".TP\n\\fB" << Roff(std::string(p.short_name)) << "\\fR\n"
        << Roff(std::string(p.name)) << ", bit " << Roff(ProtocolSet(p.bit).Hex())
        << (p.insecure     ? " (insecure)"
            : p.deprecated ? " (deprecated, RFC 8996)"
                           : "")
        << "\n";
  }
  out << ".PP\nThe profiles (\\fBsecproto profiles\\fR):\n";
  for (const Profile& p : AllProfiles()) {
    out << ".TP\n\\fB" << Roff(std::string(p.name)) << "\\fR\n"
        << Roff(ProtocolSet(p.bits).Hex() + " (" + ProtocolSet(p.bits).Describe() +
                "): " + std::string(p.description))
        << "\n";
  }
  out << ".SH EXIT STATUS\n";
  for (const ExitCodeRow& row : kExitCodes) {
    out << ".TP\n\\fB" << row.code << "\\fR\n" << Roff(row.meaning) << "\n";
  }
  out << ".SH FILES\nOn Windows the MSI installs \\fBsecproto.exe\\fR in "
         "\\fBC:\\eProgram Files\\esecproto\\fR; it does not change PATH.\n"
      << ".SH SEE ALSO\n\\fB/usr/share/doc/secproto/README.md\\fR and the documents beside it.\n";
}

}  // namespace

std::vector<std::string> IsMemberChoices(const CLI::Option* o) { return Choices(o); }

std::string CommandList(const CLI::App& root) {
  std::string out;
  for (const Node& n : Tree(root)) {
    if (n.path.empty()) continue;
    // A group that needs one of its commands ("policy") is not run itself.
    if (!n.app->get_subcommands(Visible).empty() && n.app->get_require_subcommand_min() > 0)
      continue;
    // An ACTION positional with a fixed set ("hive create", "os list") names
    // commands too: one path per action.
    std::vector<std::string> actions;
    for (const CLI::Option* o : n.app->get_options(VisibleOption)) {
      if (IsPositional(o) && o->get_name() == "ACTION") actions = Choices(o);
    }
    if (actions.empty()) out += n.path + "\n";
    for (const std::string& a : actions) out += n.path + " " + a + "\n";
  }
  return out;
}

bool RegisterCompletionValues(std::string name, ValuesFn values) {
  ValueTable()[std::move(name)] = std::move(values);
  return true;
}

std::string ManPage(const CLI::App& root) {
  std::ostringstream out;
  std::string summary = root.get_description();
  if (summary.rfind("secproto: ", 0) == 0) summary = summary.substr(10);
  out << ".\\\" Generated by `secproto __generate man` from the command table; do not edit.\n"
      << ".TH SECPROTO 1 \"\" \"secproto " << Roff(Version()) << "\" \"User Commands\"\n"
      << ".SH NAME\nsecproto \\- " << Roff(summary) << "\n"
      << ".SH SYNOPSIS\n.B secproto\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR "
         "[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n"
      << ".SH DESCRIPTION\nsecproto makes the whole Windows TLS stack (SCHANNEL protocols for "
         "clients and servers, the cipher suite and curve order, legacy cipher keys and key "
         "sizes, WinHTTP, WinINet and .NET) one reviewed policy that an administrator can "
         "compile per OS, plan, apply atomically, roll back exactly, explain per component, "
         "deploy and audit across fleets and check against real servers: on the live registry "
         "(Windows), in offline images and hives, and in .reg files. WinHTTP's "
         "\\fBDefaultSecureProtocols\\fR value, where secproto began, is one component of it "
         "(calc, set, check, unset).\n.PP\n"
         "Every command takes \\fB\\-\\-json\\fR and then prints one JSON document with a "
         "stable shape; errors are one line on standard error, \\fBsecproto: error: ...\\fR, "
         "and with \\fB\\-\\-json\\fR also \\fB{\"error\": {\"code\", \"message\", "
         "\"exit_code\"}}\\fR on standard output.\n"
      << ".SH GLOBAL OPTIONS\n";
  ManOptions(out, &root);
  out << ".SH COMMANDS\n";
  for (const Node& n : Tree(root)) {
    if (!n.path.empty()) ManCommand(out, n);
  }
  ManReference(out);
  return out.str();
}

namespace {

// A bash single-quoted word list.
std::string Words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    std::string clean;
    for (char c : w) {
      if (c != '\'' && c != ' ' && c != '\n') clean += c;
    }
    if (clean.empty()) continue;
    out += (out.empty() ? "" : " ") + clean;
  }
  return "'" + out + "'";
}

// The completion function: it walks the words typed so far with the tables
// of BashTables.
constexpr std::string_view kBashDriver = R"BASH(_secproto() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n =: || return
  else
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  fi
  local path="" i w skip=0 subs values pre rest
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    if ((skip)); then
      skip=0
      continue
    fi
    case "$w" in
      --*=*) continue ;;
      -*)
        _secproto_takes_value "$w" && skip=1
        continue
        ;;
    esac
    subs=" $(_secproto_commands "$path") "
    [[ $subs == *" $w "* ]] && path=${path:+$path }$w
  done
  if ((skip)); then
    values=$(_secproto_values "$path" "$prev")
    [[ -z $values ]] && values=$(_secproto_values "" "$prev")
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_secproto_options "$path") $(_secproto_options "")" -- "$cur"))
    return
  else
    subs=$(_secproto_commands "$path")
    if [[ -n $subs ]]; then
      COMPREPLY=($(compgen -W "$subs" -- "$cur"))
      return
    fi
    values=$(_secproto_values "$path" "@")
  fi
  if [[ -z $values ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi
  # "hive:/some/file": a scheme, then a file name.
  if [[ $cur == *:* && " $values " == *" ${cur%%:*}: "* ]]; then
    pre=${cur%%:*}:
    rest=${cur#*:}
    COMPREPLY=($(compgen -f -P "$pre" -- "$rest"))
  else
    # "tls1.2,tl": complete the word after the last comma.
    pre=""
    [[ $cur == *,* ]] && pre=${cur%,*},
    COMPREPLY=($(compgen -W "$values" -P "$pre" -- "${cur##*,}"))
  fi
  declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"
  [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
  return 0
}
complete -F _secproto secproto secproto.exe
)BASH";

/// The case tables of the completion: subcommands, options and the values
/// of options and arguments per command path, and the options that take a
/// value.
struct BashTables {
  std::ostringstream commands, options, values;
  std::set<std::string> valued;
};

void AddBashNode(const Node& n, BashTables& t) {
  std::vector<std::string> subs;
  for (const CLI::App* s : n.app->get_subcommands(Visible)) subs.push_back(s->get_name());
  if (!subs.empty()) t.commands << "    '" << n.path << "') echo " << Words(subs) << " ;;\n";
  std::vector<std::string> opts;
  std::vector<std::string> positional_values;
  for (const CLI::Option* o : n.app->get_options(VisibleOption)) {
    if (IsPositional(o)) {
      for (const std::string& v : Candidates(o)) positional_values.push_back(v);
      continue;
    }
    std::vector<std::string> names = Names(o);
    opts.insert(opts.end(), names.begin(), names.end());
    if (IsFlag(o)) continue;
    std::vector<std::string> cands = Candidates(o);
    for (const std::string& name : names) {
      t.valued.insert(name);
      if (!cands.empty())
        t.values << "    '" << n.path << "|" << name << "') echo " << Words(cands) << " ;;\n";
    }
  }
  if (!opts.empty()) t.options << "    '" << n.path << "') echo " << Words(opts) << " ;;\n";
  if (!positional_values.empty()) {
    t.values << "    '" << n.path << "|@') echo " << Words(positional_values) << " ;;\n";
  }
}

}  // namespace

std::string BashCompletion(const CLI::App& root) {
  BashTables t;
  for (const Node& n : Tree(root)) AddBashNode(n, t);
  std::string valued_pattern;
  for (const std::string& v : t.valued) valued_pattern += (valued_pattern.empty() ? "" : "|") + v;
  std::ostringstream out;
  out << "# bash completion for secproto " << Version()
      << ".\n# Generated by `secproto __generate bash-completion` from the command table; do not "
         "edit.\n\n"
      << "# The subcommands of a command path (\"\" is the top level).\n"
      << "_secproto_commands() {\n  case \"$1\" in\n"
      << t.commands.str() << "  esac\n}\n\n"
      << "# The options of a command path.\n"
      << "_secproto_options() {\n  case \"$1\" in\n"
      << t.options.str() << "  esac\n}\n\n"
      << "# Whether an option takes a value (the next word).\n"
      << "_secproto_takes_value() {\n  case \"$1\" in\n    "
      << (valued_pattern.empty() ? "''" : valued_pattern)
      << ") return 0 ;;\n  esac\n  return 1\n}\n\n"
      << "# The known values of an option (\"PATH|--opt\") or of the arguments (\"PATH|@\");\n"
      << "# none means file names.\n"
      << "_secproto_values() {\n  case \"$1|$2\" in\n"
      << t.values.str() << "  esac\n}\n\n"
      << kBashDriver;
  return out.str();
}

const CommandSetup kSetupGenerate = [](CLI::App& app) -> std::function<int()> {
       app.group("");  // hidden from --help, the man page and the completion
       auto format = std::make_shared<std::string>();
       app.add_option("FORMAT", *format, "man, bash-completion or commands (every command path)")
           ->required()
           ->check(CLI::IsMember({"man", "bash-completion", "commands"}));
       const CLI::App* self = &app;
       return [self, format]() -> int {
         const CLI::App* root = self;
         while (root->get_parent() != nullptr) root = root->get_parent();
         if (*format == "man") {
           std::cout << ManPage(*root);
         } else if (*format == "commands") {
           std::cout << CommandList(*root);
         } else {
           std::cout << BashCompletion(*root);
         }
         return kExitOk;
       };
     };

}  // namespace secproto::cli
