// vsem/fixed_array.hpp: detail::fixed_array, the channel's ring storage.
#pragma once

#include <cstddef>
#include <memory>
#include <new>

namespace vsem::detail {

// A fixed array of n default-initialised Ts, allocated once: what
// unique_ptr<T[]>(new T[n]) would be, through std::allocator and one
// placement-new per element instead of an array new-expression (whose
// overflow-checked size computation and operator new[] the GenMC model checker
// cannot interpret). T's default constructor must not throw (a cell's does
// not: it stores a constant).
template <class T>
class fixed_array {
 public:
  explicit fixed_array(std::size_t n) : n_(n), p_(std::allocator<T>().allocate(n)) {
    for (std::size_t i = 0; i < n_; ++i) ::new (static_cast<void*>(p_ + i)) T;
  }
  ~fixed_array() {
    for (std::size_t i = 0; i < n_; ++i) p_[i].~T();
    std::allocator<T>().deallocate(p_, n_);
  }
  fixed_array(const fixed_array&) = delete;
  fixed_array& operator=(const fixed_array&) = delete;
  T& operator[](std::size_t i) const noexcept { return p_[i]; }

 private:
  std::size_t n_;
  T* p_;
};

}  // namespace vsem::detail
