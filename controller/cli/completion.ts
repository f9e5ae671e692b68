// `orkestra completion bash|zsh`: a completion script generated from the command definitions,
// so it cannot fall behind them. Verbs complete first, then the verb's flags, then file names.
// zsh runs the bash function through bashcompinit.
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from './terminal.ts';

function flagsOf(command: Command): string[] {
  return command.options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined)).concat('--help');
}

export function bashCompletion(program: Command, name = program.name()): string {
  const fn = `_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const verbs = program.commands.map((c) => c.name());
  const cases = program.commands.map((c) => `    ${c.name()}) flags="${flagsOf(c).join(' ')}" ;;`).join('\n');
  return `# ${name} completion for bash; load it with: source <(${name} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${verbs.join(' ')}" -- "$cur"))
    return
  fi
  local flags=""
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F ${fn} ${name}
`;
}

export function completionScript(program: Command, shell: string): string {
  const bash = bashCompletion(program);
  if (shell === 'bash') return bash;
  if (shell === 'zsh') {
    return `#compdef ${program.name()}\n# ${program.name()} completion for zsh; load it with: source <(${program.name()} completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
  }
  throw new CliError(`unsupported shell "${shell}": use bash or zsh`, EXIT_USAGE);
}
