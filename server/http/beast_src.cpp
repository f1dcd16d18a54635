// The compiled parts of Asio, Asio's SSL and Beast, built once here instead of in every file
// that includes them (BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION,
// set for wreg_server_lib in server/CMakeLists.txt when WREG_SEPARATE_BEAST is on).
#if defined(BOOST_BEAST_SEPARATE_COMPILATION)
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
#endif
