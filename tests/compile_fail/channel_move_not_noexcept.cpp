// tests/compile_fail/channel_move_not_noexcept.cpp: vsem::channel<T> needs a
// noexcept move constructor, so that pop cannot lose an item.
//
// Compiled by compile_check.cmake: with VSEM_COMPILE_FAIL defined the item's
// move constructor may throw and vsem::channel<item> must fail with the
// static_assert's message; without it, the move constructor is noexcept and
// the source must compile.
#include <vsem/channel.hpp>

#ifdef VSEM_COMPILE_FAIL
#define VSEM_ITEM_MOVE_NOEXCEPT noexcept(false)
#else
#define VSEM_ITEM_MOVE_NOEXCEPT noexcept
#endif

struct item {
  explicit item(int v) : value(v) {}
  item(const item&) = default;
  item(item&& o) VSEM_ITEM_MOVE_NOEXCEPT : value(o.value) {}
  item& operator=(const item&) = default;
  item& operator=(item&&) = default;
  int value;
};

int main() {
  vsem::channel<item> ch(1);
  (void)ch.try_push(item(1));
  return ch.try_pop().value ? 0 : 1;
}
