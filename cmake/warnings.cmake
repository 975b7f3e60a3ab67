# Warnings every Sportello target compiles with; errors in CI (SPORTELLO_WERROR=ON).
add_library(sportello_warnings INTERFACE)
target_compile_options(sportello_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2
  # Left out on purpose: -Wnull-dereference and -Wmismatched-new-delete are decided by the optimiser
  # after inlining, so at -O1 and above g++ 12 reports them inside Asio (io_context.hpp, and Asio's
  # coroutine-frame operator new/delete pair, which it cannot match up), where no attribute or
  # system-header rule can silence them.
  -Wno-mismatched-new-delete)
if(SPORTELLO_WERROR)
  target_compile_options(sportello_warnings INTERFACE -Werror)
endif()

# A library of Sportello's own: warnings on, C++20, include root at the repository top
# so that headers are spelled "core/http/server.hpp".
function(sportello_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE sportello_warnings)
endfunction()
