#include "common/tlog/tiles.h"

#include <gtest/gtest.h>

namespace wreg::tlog {
namespace {

TEST(TilesTest, WritesTheSpecExamples) {
  EXPECT_EQ((TilePath{false, 0, 1234067, kTileWidth}.to_string()), "tile/0/x001/x234/067");
  EXPECT_EQ((TilePath{false, 1, 0, kTileWidth}.to_string()), "tile/1/000");
  EXPECT_EQ((TilePath{false, 0, 5, kTileWidth}.to_string()), "tile/0/005");
  EXPECT_EQ((TilePath{false, 2, 1000, 7}.to_string()), "tile/2/x001/000.p/7");
  EXPECT_EQ((TilePath{true, 0, 1234067, 12}.to_string()), "tile/entries/x001/x234/067.p/12");
  EXPECT_EQ((TilePath{false, 63, ~std::uint64_t{0}, 255}.to_string()),
            "tile/63/x018/x446/x744/x073/x709/x551/615.p/255");
}

TEST(TilesTest, ReadsWhatItWrites) {
  const std::vector<TilePath> tiles = {
      {false, 0, 0, kTileWidth},
      {false, 0, 0, 1},
      {false, 1, 999, kTileWidth},
      {false, 1, 1000, kTileWidth},
      {false, 8, 1000000, 128},
      {false, 63, 1234067, kTileWidth},
      {true, 0, 0, kTileWidth},
      {true, 0, 273, 112},
      {false, 0, ~std::uint64_t{0}, kTileWidth},
      {true, 0, ~std::uint64_t{0}, 1},
  };
  for (const TilePath& tile : tiles) {
    const std::string path = tile.to_string();
    auto read = parse_tile_path(path);
    ASSERT_TRUE(read.has_value()) << path;
    EXPECT_EQ(*read, tile) << path;
  }
}

TEST(TilesTest, RefusesEveryOtherSpelling) {
  for (const char* path : {
           "",
           "tile",
           "tile/",
           "tile/0",
           "tile/0/",
           "tiles/0/000",
           "/tile/0/000",
           "tile/0/000/",  // trailing slash
           "tile//000",
           "tile/00/000",  // leading zero in L
           "tile/01/000",
           "tile/64/000",  // level past 63
           "tile/-1/000",
           "tile/+1/000",
           "tile/x/000",
           "tile/0/1",  // N not in 3-digit groups
           "tile/0/01",
           "tile/0/0001",
           "tile/0/1234",
           "tile/0/x1/234",  // a short group
           "tile/0/x0001/234",
           "tile/0/001/234",  // a leading group without its x
           "tile/0/x001",     // the last group with an x
           "tile/0/x001/x234",
           "tile/0/x000/001",  // a leading zero group
           "tile/0/x000/x001/002",
           "tile/0/00a",
           "tile/0/x01a/000",
           "tile/0/x018/x446/x744/x073/x709/x551/616",  // 2^64
           "tile/0/x999/x999/x999/x999/x999/x999/999",
           "tile/0/x001/x000/x000/x000/x000/x000/x000/000",
           "tile/0/000.p/0",    // width 0
           "tile/0/000.p/256",  // a full tile has no .p
           "tile/0/000.p/300",
           "tile/0/000.p/01",  // leading zero in W
           "tile/0/000.p/",
           "tile/0/000.p",
           "tile/0/000.p/1/",
           "tile/0/000.p/1/2",
           "tile/0/.p/1",
           "tile/0/x001.p/1",
           "tile/0/x001.p/1/000",
           "tile/0/000.q/1",
           "tile/0/000.P/1",
           "tile/entries",
           "tile/entries/",
           "tile/entries/0",
           "tile/entries/000/",
           "tile/entries/000.p/256",
           "tile/entry/000",
           "tile/Entries/000",
           "tile/0/entries/000",
           "tile/0/000\n",
           "tile/0/000 ",
           " tile/0/000",
           "tile/0/0\xd9\xa0"
           "0",  // a digit outside ASCII
       }) {
    EXPECT_EQ(parse_tile_path(path), std::nullopt) << path;
  }
  EXPECT_EQ(parse_tile_path(std::string_view("tile/0/0\0000", 10)), std::nullopt);
}

}  // namespace
}  // namespace wreg::tlog
