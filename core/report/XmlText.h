#pragma once
// Text made safe for XML (SVG charts): character data and attribute values alike.
#include <string>
#include <string_view>

namespace tunebench {

// text as XML: valid UTF-8 is kept byte for byte, each invalid sequence becomes U+FFFD; the five
// special characters become entities (&amp; &lt; &gt; &quot; &apos;); tab, line feed and carriage
// return become character references, so that attribute values keep them; characters XML 1.0
// does not allow (other C0 controls, U+FFFE, U+FFFF) become U+FFFD. The result is always
// well-formed inside an element or a quoted attribute.
std::string xmlEscaped(std::string_view text);

}  // namespace tunebench
