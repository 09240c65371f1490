// `secproto verify` off Windows: there is no SCHANNEL to handshake through.
#include "secproto/verify.h"

namespace secproto {

bool HaveSchannelClient() { return false; }

Expected<HandshakeResult> SchannelHandshake(const VerifyEndpoint&, int) {
  return Fail(Error::Usage(
      "verify handshakes through the machine's own SCHANNEL and needs Windows; on this system "
      "`secproto explain --component schannel-client --target T` gives the prediction and "
      "`secproto probe HOST` what a server accepts",
      "needs-windows"));
}

}  // namespace secproto
