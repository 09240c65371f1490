# Targets for the doctor tests, built from value lines: a .reg file or a
# hive image (make_image, policy_lib.sh) holding exactly the values given.
# The caller sets $dir (a scratch folder) and sources policy_lib.sh first.
# shellcheck shell=bash

# The keys the doctor tests write values under.
S='HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
P='HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
L='HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002'
F='HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy'
GCM128='TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'
GCM256='TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'

# A value line: KEY|NAME|TYPE|DATA, TYPE one of dword (hex), sz, multi (comma list), key (no value).
# reg_text FILE BUILD ITYPE LINES...: a .reg file holding the values (keys as given).
reg_text() {
  local out=$1 build=$2 itype=$3; shift 3
  {
    printf 'Windows Registry Editor Version 5.00\n\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n'
    printf '"CurrentBuild"="%s"\n"InstallationType"="%s"\n\n' "$build" "$itype"
    local line key name type data
    for line in "$@"; do
      IFS='|' read -r key name type data <<<"$line"
      # Every ancestor first: hivexregedit --merge creates only a key whose parent exists.
      local parts anc="" i
      IFS='\' read -ra parts <<<"${key/HKLM/HKEY_LOCAL_MACHINE}"
      for ((i = 0; i < ${#parts[@]} - 1; i++)); do
        anc+="${anc:+\\}${parts[i]}"
        [ "$i" -ge 2 ] && printf '[%s]\n\n' "$anc"
      done
      printf '[%s]\n' "${key/HKLM/HKEY_LOCAL_MACHINE}"
      case $type in
        dword) printf '"%s"=dword:%08x\n' "$name" "$((16#$data))" ;;
        sz) printf '"%s"="%s"\n' "$name" "$data" ;;
        multi)
          local hex="" item c
          IFS=',' read -ra items <<<"$data"
          for item in "${items[@]}"; do
            for ((c = 0; c < ${#item}; c++)); do hex+=$(printf '%02x,00,' "'${item:c:1}"); done
            hex+="00,00,"
          done
          hex+="00,00"
          printf '"%s"=hex(7):%s\n' "$name" "$hex" ;;
        key) ;;
      esac
      printf '\n'
    done
  } >"$out"
}

# make_target KIND NAME BUILD ITYPE LINES...: prints the --target argument.
make_target() {
  local kind=$1 name=$2 build=$3 itype=$4; shift 4
  if [ "$kind" = reg ]; then
    reg_text "$dir/$name.reg" "$build" "$itype" "$@"
    echo "reg:$dir/$name.reg"
    return
  fi
  make_image "$dir/$name" "$build" "$itype" || return 1
  local cfg="$dir/$name/Windows/System32/config" sw=() sys=() line
  for line in "$@"; do
    case $line in
      'HKLM\SOFTWARE\'*) sw+=("$line") ;;
      *) sys+=("${line/CurrentControlSet/ControlSet001}") ;;
    esac
  done
  # hivexregedit merges a .reg whose keys start with the hive's prefix.
  if [ ${#sw[@]} -gt 0 ]; then
    reg_text "$dir/$name.sw.reg" "$build" "$itype" "${sw[@]}"
    hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SOFTWARE' "$cfg/SOFTWARE" "$dir/$name.sw.reg" ||
      return 1
  fi
  if [ ${#sys[@]} -gt 0 ]; then
    reg_text "$dir/$name.sys.reg" "$build" "$itype" "${sys[@]}"
    # The .sys.reg also carries the CurrentVersion key of SOFTWARE: drop it.
    python3 - "$dir/$name.sys.reg" <<'PY'
import sys
t = open(sys.argv[1]).read().split("\n\n")
open(sys.argv[1], "w").write("\n\n".join(b for b in t if "Windows NT" not in b))
PY
    hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$cfg/SYSTEM" "$dir/$name.sys.reg" ||
      return 1
  fi
  echo "image:$dir/$name"
}
