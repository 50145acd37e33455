# parkshare-cli bash completion: global options, commands and their options.
_parkshare_cli()
{
    local current previous command word index
    current=${COMP_WORDS[COMP_CWORD]}
    previous=${COMP_WORDS[COMP_CWORD - 1]}

    case $previous in
    --token-file | --queue)
        COMPREPLY=($(compgen -f -- "$current"))
        return
        ;;
    -u | --url | -t | --token | --near | --city | --group | --days | --lot | --since | \
        --limit | --role | --lots | --name)
        return
        ;;
    esac

    # The command is the first word that is not an option or an option's value.
    for ((index = 1; index < COMP_CWORD; index++)); do
        word=${COMP_WORDS[index]}
        case $word in
        -u | --url | -t | --token | --token-file | --queue) ((index++)) ;;
        -*) ;;
        *)
            command=$word
            break
            ;;
        esac
    done

    if [[ -z $command ]]; then
        if [[ $current == -* ]]; then
            COMPREPLY=($(compgen -W "--url --token --token-file --json --queue --help --version" -- "$current"))
        else
            COMPREPLY=($(compgen -W "lots lot schedule totals in out set sync board import token audit forecast-eval" -- "$current"))
        fi
        return
    fi

    case $command in
    lots) COMPREPLY=($(compgen -W "--near --open --city --group" -- "$current")) ;;
    schedule) COMPREPLY=($(compgen -W "--days" -- "$current")) ;;
    totals) COMPREPLY=($(compgen -W "--city --group" -- "$current")) ;;
    board) COMPREPLY=($(compgen -W "--city --group --once" -- "$current")) ;;
    audit) COMPREPLY=($(compgen -W "--lot --since --limit" -- "$current")) ;;
    forecast-eval) COMPREPLY=($(compgen -W "--lot --from --to" -- "$current")) ;;
    import)
        if ((COMP_CWORD == index + 1)); then
            COMPREPLY=($(compgen -W "lots calendar" -- "$current"))
        else
            COMPREPLY=($(compgen -f -- "$current"))
        fi
        ;;
    token)
        if ((COMP_CWORD == index + 1)); then
            COMPREPLY=($(compgen -W "create list revoke" -- "$current"))
        else
            COMPREPLY=($(compgen -W "--role --lots --name --link --qr" -- "$current"))
        fi
        ;;
    esac
}
complete -F _parkshare_cli parkshare-cli
