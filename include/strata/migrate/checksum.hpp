// SHA-256 checksums (OpenSSL) for migration files and the sum file.
#pragma once

#include <string>

namespace strata::migrate {

// Lowercase hex SHA-256 of data.
std::string sha256_hex(const std::string& data);

}  // namespace strata::migrate
