// Detection: match a member's logs against every indicator it may see.
// (Contract to be completed by the detection work; see docs/detect.md.)
#pragma once

namespace sanad::detect {}  // namespace sanad::detect
