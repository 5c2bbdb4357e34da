// A growable FIFO ring buffer of trivially copyable values (no allocation once warm).
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace qosim::models::detail {

/// FIFO queue on a power-of-two ring; grows by doubling, never shrinks. push/pop O(1).
template <class T>
class Ring {
public:
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }

    void push(const T& v) {
        if (size_ == buf_.size()) grow();
        buf_[(head_ + size_) & (buf_.size() - 1)] = v;
        ++size_;
    }

    T pop() {
        assert(size_ > 0);
        const T v = buf_[head_];
        head_ = (head_ + 1) & (buf_.size() - 1);
        --size_;
        return v;
    }

private:
    void grow() {
        const std::size_t old = buf_.size();
        std::vector<T> bigger(old == 0 ? 16 : old * 2);
        for (std::size_t i = 0; i < size_; ++i) bigger[i] = buf_[(head_ + i) & (old - 1)];
        buf_.swap(bigger);
        head_ = 0;
    }

    std::vector<T> buf_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

}  // namespace qosim::models::detail
