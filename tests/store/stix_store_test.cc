#include "store/stix_store.h"

#include <gtest/gtest.h>

#include "store/store.h"
#include "test_util.h"

namespace sanad::store {
namespace {

TEST(StixStoreTest, PutListUpsertDeleteCount) {
  testing::TempDir dir;
  OpenOptions o;
  o.create_if_missing = true;
  auto s = Store::Open(dir.path(), o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->SchemaVersion(), kSchemaVersion);
  model::Org org;
  org.name = "A";
  org.country = "FR";
  ASSERT_TRUE((*s)->community().AddOrg(&org).ok());
  model::Event ev;
  ev.uuid = "11111111-1111-4111-8111-111111111111";
  ev.info = "e";
  ev.timestamp = 100;
  ev.org = ev.orgc = {org.id, org.uuid, org.name};
  ASSERT_TRUE((*s)->events().UpsertEvent(&ev).ok());
  auto ss = NewStixStore(s->get());
  EXPECT_EQ(ss->PutEventObjects(ev.id + 99, {{"malware--x", "malware", "{}", "", "", 0}}).code(),
            Status::Code::kInvalid);
  ASSERT_TRUE(ss->PutEventObjects(ev.id, {{"Malware--AA", "malware", "{\"a\":1}", "", "", 0},
                                          {"indicator--bb", "indicator", "{}", ev.uuid, "f1", 0}})
                  .ok());
  // Upsert keeps the position of an existing row and appends new ones.
  ASSERT_TRUE(ss->PutEventObjects(ev.id, {{"tool--cc", "tool", "{}", "", "", 0},
                                          {"malware--aa", "malware", "{\"a\":2}", "", "", 0}})
                  .ok());
  std::vector<StixObject> rows;
  ASSERT_TRUE(ss->ListEventObjects(ev.id, &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].stix_id, "malware--aa");
  EXPECT_EQ(rows[0].json, "{\"a\":2}");
  EXPECT_EQ(rows[1].misp_uuid, ev.uuid);
  EXPECT_EQ(rows[1].fingerprint, "f1");
  EXPECT_EQ(rows[2].stix_id, "tool--cc");
  std::vector<int64_t> ids;
  ASSERT_TRUE(ss->FindEventsByStixId("MALWARE--AA", &ids).ok());
  EXPECT_EQ(ids, std::vector<int64_t>{ev.id});
  auto c = ss->Count();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->objects, 3);
  EXPECT_EQ(c->unmapped, 2);
  ASSERT_TRUE(ss->DeleteEventObjects(ev.id).ok());
  ASSERT_TRUE(ss->ListEventObjects(ev.id, &rows).ok());
  EXPECT_TRUE(rows.empty());
}

}  // namespace
}  // namespace sanad::store
