#include "demo/demo_history.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "app/reference.h"
#include "core/routing.h"
#include "core/workflow.h"
#include "demo/catalogue.h"
#include "geo/grid_index.h"

namespace civicgrid::demo {
namespace {

using A = Action;
using S = CaseStatus;

// ---------------------------------------------------------------------------------------------------------
// Randomness: SplitMix64, seeded per county-day and per case, so that a case depends on the seed and its
// own coordinates only (and the standard library's implementation-defined distributions are not used).

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t HashText(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  bool Chance(double p) { return Uniform() < p; }
  double Normal() {
    const double u1 = std::max(Uniform(), 1e-300), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }
  // A log-normal amount with the given median; sigma ≈ 0.5–1 spreads it over a factor of 2–3.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  template <class T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Next() % N];
  }
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[Next() % items.size()];
  }
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  int Poisson(double lambda) {
    if (lambda <= 0) return 0;
    if (lambda > 60) return std::max(0, static_cast<int>(std::lround(lambda + std::sqrt(lambda) * Normal())));
    const double limit = std::exp(-lambda);
    int k = 0;
    for (double p = Uniform(); p > limit; p *= Uniform()) ++k;
    return k;
  }

 private:
  uint64_t s_;
};

// ---------------------------------------------------------------------------------------------------------
// What people report: per minor category, how often grid workers (patrol) and residents (citizen) report
// it, when (season) and where (town or city), and description templates. Placeholders: {p} a place in
// the community, {r} {r2} roads, {n} a number, {d} days, {t} a temperature, {f} a floor, {h} an hour,
// {x} a cause.

enum class Season { kAll, kHeating, kHeatingFees, kRain, kSummer, kHarvest, kSpring, kSchool, kDark };
enum class Area { kAny, kUrban, kRural };

struct Kind {
  const char* code;
  double patrol, citizen, drone, iot;
  Season season;
  Area area;
  bool small;  // a grid worker may handle it on the spot (能办即办)
  std::vector<const char*> texts;
};

const std::vector<Kind>& Kinds() {
  using enum Season;
  using enum Area;
  // One row per category, one template per line.
  // clang-format off
  static const std::vector<Kind> kKinds = {
      {"0101", 0.2, 7.0, 0, 0, kHeating, kUrban, false,
       {"{p}居民反映家中暖气不热，室温只有{t}度左右，请供热公司尽快检修。",
        "{p}多户居民反映暖气温度偏低，家中有老人孩子受冻。",
        "{p}暖气片上热下凉，放气后仍不热，已多次联系物业未解决。"}},
      {"0102", 0.1, 2.0, 0, 0, kHeating, kUrban, false,
       {"{p}整栋楼突然停暖，至今未恢复供热。",
        "{p}供暖中断已超过{n}小时，未见任何通知。"}},
      {"0103", 0.6, 0.8, 0, 0.3, kHeating, kUrban, false,
       {"{r}{n}号附近供热管道漏水，热水流到路面，存在烫伤和结冰隐患。",
        "{p}地下供热管道破裂冒白汽，请尽快抢修。"}},
      {"0104", 0, 1.2, 0, 0, kHeatingFees, kUrban, false,
       {"{p}居民咨询今年供暖费收费标准，反映按面积收费偏高。",
        "{p}居民反映已缴纳供暖费但未开栓供热。"}},
      {"0105", 0.1, 0.6, 0, 0, kHeatingFees, kUrban, false,
       {"{p}小区入住率低，达不到申请供热条件，业主申请协调供暖。",
        "{p}新建小区尚未接入集中供热，业主希望今冬能通暖。"}},
      {"0201", 0.3, 2.0, 0, 0, kSummer, kAny, false,
       {"{p}自今天上午起停水，未见停水通知，生活受到影响。",
        "{p}已停水{n}小时，居民做饭洗漱困难。"}},
      {"0202", 0.6, 0.8, 0, 0.6, kAll, kAny, false,
       {"{r}{n}号附近自来水管爆裂，路面大量积水。",
        "{p}地下水管破裂，水往外冒，请尽快抢修。"}},
      {"0203", 0, 0.6, 0, 0, kSummer, kAny, false,
       {"{p}自来水发黄有异味，居民担心水质安全。",
        "{p}水龙头流出的水浑浊有沉淀。"}},
      {"0204", 0, 0.8, 0, 0, kSummer, kUrban, false,
       {"{p}高层住户水压不足，{f}楼以上经常没水。",
        "{p}用水高峰时段水压很低，热水器无法启动。"}},
      {"0205", 0, 0.8, 0, 0, kAll, kAny, false,
       {"{p}居民反映本月水费异常偏高，怀疑水表故障。",
        "{p}居民咨询阶梯水价计费方式。"}},
      {"0301", 0.2, 0.3, 0, 0.4, kAll, kAny, false,
       {"{p}楼道内有明显燃气味，疑似燃气泄漏，请立即处置。",
        "{r}{n}号附近闻到刺鼻燃气味。"}},
      {"0302", 0, 0.5, 0, 0, kHeating, kUrban, false,
       {"{p}燃气突然停供，未接到任何通知。"}},
      {"0303", 0.8, 0.3, 0, 0, kAll, kAny, false,
       {"{p}燃气管道锈蚀严重，存在安全隐患。",
        "{p}沿街餐馆燃气软管老化，未安装报警装置。"}},
      {"0304", 0, 0.6, 0, 0, kAll, kUrban, false,
       {"{p}居民咨询燃气开户报装流程，反映办理时间过长。"}},
      {"0401", 0.5, 2.5, 0, 0, kAll, kUrban, false,
       {"{p}物业服务不到位，小区卫生差、门岗无人值守。",
        "{p}物业对业主报修长期不处理，居民意见很大。"}},
      {"0402", 0.3, 1.5, 0, 0, kAll, kUrban, false,
       {"{p}电梯故障停运{d}天，老人上下楼困难。",
        "{p}电梯运行中异响、经常困人，存在安全隐患。"}},
      {"0403", 4.0, 0.5, 0, 0, kAll, kUrban, true,
       {"{p}楼道内堆放杂物，堵塞通道，存在消防隐患。",
        "{p}楼道内有居民存放自行车和纸箱，影响通行。"}},
      {"0404", 0, 0.8, 0, 0, kAll, kUrban, false,
       {"{p}物业公司违规收取停车管理费，业主不认可。"}},
      {"0405", 1.5, 1.0, 0, 0, kAll, kUrban, false,
       {"{p}小区内健身器材损坏多日无人维修。",
        "{p}单元门门禁损坏，陌生人随意进出。",
        "{p}小区围墙倒塌一段，未修复。"}},
      {"0406", 0.6, 0.6, 0, 0, kAll, kUrban, false,
       {"{p}老旧小区无物业管理，垃圾堆积、路灯不亮。"}},
      {"0501", 5.0, 2.0, 0, 0, kSummer, kAny, true,
       {"{p}垃圾桶满溢，垃圾清运不及时，异味较大。",
        "{p}生活垃圾堆积{d}天未清运。"}},
      {"0502", 3.0, 0.8, 0, 0, kAll, kAny, true,
       {"{r}路面有大量垃圾未清扫。",
        "{r}人行道上落叶和垃圾较多。"}},
      {"0503", 3.0, 0.3, 0, 0, kAll, kUrban, true,
       {"{p}墙面、电线杆上张贴大量小广告。",
        "{p}外墙被人乱涂乱画。"}},
      {"0504", 4.0, 1.2, 0, 0, kSummer, kUrban, true,
       {"{r}路边流动摊贩占道经营，影响通行。",
        "{r}沿街商户店外经营，占用人行道。"}},
      {"0505", 0.8, 0.4, 0, 0, kAll, kAny, false,
       {"{r}公厕卫生差、洗手池损坏。"}},
      {"0506", 1.0, 0.3, 0, 0, kAll, kUrban, true,
       {"{p}垃圾分类投放点混投现象严重。"}},
      {"0507", 1.2, 0.3, 0, 0, kAll, kUrban, false,
       {"{r}沿街商铺广告招牌破损松动，存在坠落隐患。"}},
      {"0508", 1.5, 0.8, 3.0, 0, kAll, kAny, false,
       {"{p}有居民私自搭建彩钢棚，涉嫌违法建设。",
        "{p}楼顶加盖房屋，涉嫌违法建设。"}},
      {"0601", 1.2, 0.5, 0, 0, kAll, kUrban, false,
       {"{r}一辆废弃车辆长期停放，落满灰尘，占用车位。"}},
      {"0602", 2.0, 1.5, 0, 0, kAll, kUrban, false,
       {"{r}机动车乱停乱放，堵塞消防通道和人行道。"}},
      {"0603", 2.0, 0.4, 0, 0, kAll, kUrban, true,
       {"{r}共享单车、电动车乱停放，占用盲道。"}},
      {"0604", 0, 0.6, 0, 0, kAll, kUrban, false,
       {"{p}周边停车位紧张，停车收费不规范。"}},
      {"0701", 1.5, 0.5, 0, 3.0, kAll, kAny, false,
       {"{r}{n}号附近井盖破损，存在安全隐患。",
        "{r}一处井盖缺失，已有行人险些踩空。"}},
      {"0702", 2.0, 1.2, 0, 2.0, kDark, kAny, false,
       {"{r}一段路灯不亮，夜间出行不便。",
        "{p}周边路灯白天常亮、夜间不亮。"}},
      {"0703", 1.5, 0.8, 0, 0, kAll, kAny, false,
       {"{r}路面坑洼破损，车辆通行颠簸。"}},
      {"0704", 0.8, 0.2, 0, 0, kAll, kUrban, false,
       {"{r}道路护栏被撞损坏，未修复。"}},
      {"0705", 0.3, 0.5, 0, 0.5, kAll, kUrban, false,
       {"{r}与{r2}交叉口信号灯故障，交通秩序混乱。"}},
      {"0706", 0.5, 0.6, 0, 2.0, kRain, kAny, false,
       {"{r}低洼路段雨后积水严重，车辆无法通行。"}},
      {"0801", 1.0, 0.6, 2.0, 0, kSpring, kAny, false,
       {"{p}附近建筑工地未采取降尘措施，扬尘严重。"}},
      {"0802", 1.2, 0.1, 3.0, 0, kSpring, kAny, true,
       {"{p}一处空地裸土未覆盖防尘网。"}},
      {"0803", 0.6, 0.4, 0, 0, kAll, kAny, false,
       {"{r}渣土车沿途遗撒，路面泥土较多。"}},
      {"0901", 1.5, 0.6, 0, 0, kAll, kUrban, true,
       {"{p}消防通道被车辆和杂物堵塞。"}},
      {"0902", 0.4, 0.2, 0.5, 0, kRain, kRural, false,
       {"{p}一处老旧房屋墙体开裂，存在倒塌危险。"}},
      {"0903", 0.3, 0.3, 0, 0, kAll, kUrban, false,
       {"{p}外墙瓷砖脱落，存在高空坠物隐患。"}},
      {"0904", 2.0, 0.5, 0, 0, kAll, kAny, true,
       {"{p}有居民从楼上私拉电线为电动车充电。"}},
      {"0905", 0.8, 0.2, 0, 0, kAll, kAny, false,
       {"{p}附近小作坊存放易燃物品，安全隐患较大。"}},
      {"0906", 0.6, 0.1, 0, 0, kRain, kAny, false,
       {"{p}排水沟堵塞，汛期存在内涝隐患。"}},
      {"1001", 0.3, 2.5, 0, 0, kSummer, kUrban, false,
       {"{p}夜间{h}点后仍有施工噪音，影响居民休息。",
        "{p}广场舞音响声音过大，扰民。",
        "{p}楼下烧烤店深夜喧哗扰民。"}},
      {"1002", 0.5, 1.0, 0, 0, kSummer, kUrban, false,
       {"{r}沿街饭店油烟直排，居民无法开窗。"}},
      {"1003", 0.4, 0.3, 0, 0, kAll, kAny, false,
       {"{p}有污水直排入雨水管网，异味明显。"}},
      {"1004", 0.3, 0.3, 0, 0, kAll, kAny, false,
       {"{p}附近企业排放刺鼻废气。"}},
      {"1005", 1.0, 0.3, 2.0, 0, kHarvest, kRural, false,
       {"{p}田间有人焚烧秸秆、垃圾，烟雾较大。"}},
      {"1006", 0.4, 0.2, 1.5, 0, kSummer, kAny, false,
       {"{p}附近河道漂浮垃圾，水体发黑发臭。"}},
      {"1101", 1.5, 0.8, 0, 0, kAll, kAny, true,
       {"{p}两户邻居因{x}发生纠纷，需调解。"}},
      {"1102", 0.6, 0.3, 0, 0, kAll, kRural, false,
       {"{p}村民因宅基地边界发生争执。",
        "{p}两户村民因承包地界发生纠纷。"}},
      {"1103", 0.6, 0.3, 0, 0, kAll, kAny, true,
       {"{p}一户家庭因赡养老人问题发生矛盾，需调解。"}},
      {"1104", 0.3, 1.0, 0, 0, kAll, kAny, false,
       {"{p}附近工地{n}名工人反映被拖欠工资。"}},
      {"1105", 0.3, 0.6, 0, 0, kAll, kUrban, false,
       {"{p}业主与物业因收费问题发生纠纷。"}},
      {"1106", 0.1, 0.2, 0, 0, kAll, kRural, false,
       {"{p}村民对征地补偿标准有异议。"}},
      {"1201", 0, 1.2, 0, 0, kAll, kAny, false,
       {"市民咨询灵活就业人员养老保险缴费事宜（{p}）。"}},
      {"1202", 0, 1.2, 0, 0, kAll, kAny, false,
       {"市民咨询异地就医备案及医保报销问题（{p}）。"}},
      {"1203", 0, 0.8, 0, 0, kSchool, kAny, false,
       {"{p}居民咨询子女入学划片及报名材料。"}},
      {"1204", 0, 0.7, 0, 0, kAll, kAny, false,
       {"市民咨询户口迁移、身份证办理事宜（{p}）。"}},
      {"1205", 0.5, 0.5, 0, 0, kAll, kAny, false,
       {"{p}独居老人生活困难，希望提供居家养老服务。"}},
      {"1206", 0.6, 0.5, 0, 0, kAll, kAny, false,
       {"{p}一户居民因病致贫，申请临时救助。"}},
      {"1207", 0, 0.5, 0, 0, kAll, kAny, false,
       {"市民咨询创业担保贷款申请条件（{p}）。"}},
      {"1208", 0, 0.6, 0, 0, kAll, kAny, false,
       {"{p}社区卫生服务站就诊排队时间长。"}},
      {"1209", 0, 0.7, 0, 0, kAll, kUrban, false,
       {"{p}小区业主反映多年办不下不动产权证。"}},
      {"1301", 0.6, 0.8, 0, 0, kSpring, kAny, false,
       {"{p}楼前树木遮挡采光，申请修剪。"}},
      {"1302", 0.6, 0.1, 0, 0, kAll, kUrban, false,
       {"{r}绿化带被踩踏损坏。"}},
      {"1303", 0.4, 0.3, 0, 0, kRain, kAny, false,
       {"{r}大风后树木倒伏，压住路面。"}},
      {"1304", 0.3, 0.2, 0, 0, kSpring, kAny, false,
       {"{r}行道树发生虫害，树叶大量枯黄。"}},
      {"1305", 0.8, 0.2, 0, 0, kSpring, kUrban, true,
       {"{p}有居民在公共绿地开荒种菜。"}},
      {"1401", 0.4, 0.3, 0, 0, kSpring, kRural, false,
       {"{p}农田灌溉渠道淤堵，影响浇地。"}},
      {"1402", 0.3, 0.1, 0, 0, kAll, kRural, false,
       {"{p}养殖户家中有病死畜禽，需无害化处理。"}},
      {"1403", 2.0, 0.3, 0.5, 0, kAll, kRural, true,
       {"{p}村内道路两侧柴草乱堆乱放。",
        "{p}村口垃圾池满溢。"}},
      {"1404", 0, 0.3, 0, 0, kSpring, kRural, false,
       {"{p}村民咨询小麦病虫害防治技术。"}},
      {"1405", 0.4, 0.3, 0, 0, kRain, kRural, false,
       {"{p}村道路面损毁，雨天泥泞难行。"}},
      {"9901", 0, 0.5, 0, 0, kAll, kAny, false,
       {"市民建议在{p}附近增设公交站点。",
        "市民建议{r}增设减速带。"}},
      {"9902", 0, 1.0, 0, 0, kAll, kAny, false,
       {"市民咨询{x}相关政策（{p}）。"}},
      {"9999", 0.2, 0.3, 0, 0, kAll, kAny, false,
       {"{p}居民反映的其他问题，需进一步核实。"}},
  };
  // clang-format on
  return kKinds;
}

// Month (1–12) factor of a season.
double SeasonFactor(Season season, unsigned month) {
  static constexpr double kTable[][12] = {
      {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},                                 // all
      {1.8, 1.4, 0.6, 0.03, 0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 1.6, 2.0},  // heating (Nov 15 – Mar 15)
      {0.6, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 1.5, 2.0, 1.0},         // heating fees and connections
      {0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.0, 3.0, 1.0, 0.3, 0.1, 0.1},         // rain and floods
      {0.6, 0.6, 0.8, 1.0, 1.2, 1.6, 1.7, 1.6, 1.2, 1.0, 0.8, 0.6},         // summer
      {0.3, 0.3, 0.4, 0.4, 0.8, 3.0, 1.0, 0.5, 1.2, 2.5, 1.0, 0.4},         // harvests (straw burning)
      {0.5, 0.6, 1.6, 1.8, 1.6, 1.2, 1.0, 1.0, 0.9, 0.8, 0.6, 0.5},         // spring (wind, trees, farming)
      {0.4, 1.0, 0.4, 0.4, 0.5, 1.0, 2.5, 3.0, 1.5, 0.4, 0.4, 0.4},         // school enrolment
      {1.4, 1.3, 1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.9, 1.1, 1.3, 1.4},         // long nights (street lights)
  };
  return kTable[static_cast<int>(season)][month - 1];
}

constexpr const char* kRoads[] = {"人民路", "解放路", "和平路", "建设路", "中心街",   "北京路",   "沂蒙路",   "通达路",
                                  "新华路", "胜利街", "兴华路", "文化路", "青年路",   "工业大道", "滨河大道", "长安路",
                                  "府前街", "振兴路", "团结路", "光明路", "迎宾大道", "金河路",   "育才路",   "东风路"};
constexpr const char* kEstates[] = {"幸福家园", "阳光花园", "金色家园", "翠苑小区", "锦绣华庭", "和谐小区",
                                    "滨河花园", "书香苑",   "丽景苑",   "盛世华城", "御景园",   "康居小区",
                                    "紫薇苑",   "怡景花园", "泰和园",   "馨苑小区", "明珠花园", "祥和小区"};
constexpr const char* kDirections[] = {"东头", "西头", "南侧", "北侧", "村委会附近", "中心街", "东南角", "后街"};
constexpr const char* kCauses[] = {"楼上漏水", "噪音", "占用公共空间", "树木遮挡", "排水", "宠物扰邻", "房屋边界"};
constexpr const char* kPolicies[] = {"公积金提取", "老旧小区改造", "惠民补贴",
                                     "残疾人补助", "高龄津贴",     "二孩生育补贴"};
constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡",
                                     "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐",
                                     "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭"};
constexpr const char* kPhonePrefixes[] = {"138", "139", "135", "137", "158", "159", "186", "187",
                                          "188", "136", "157", "152", "131", "132", "155", "177"};

// Notes of the steps, by major category where it matters.
const char* ResolveNote(std::string_view category, uint64_t turn) {
  static const std::map<std::string, std::vector<const char*>> kNotes = {
      {"01", {"已安排维修人员上门检修，排气除堵后室温恢复正常。", "已更换故障阀门，供热恢复，经回访居民室温达标。"}},
      {"02", {"已组织抢修更换破损管道，供水恢复正常。", "经检测水质合格，已冲洗管网并告知居民。"}},
      {"03", {"已关闭阀门、更换管件，检测无泄漏，隐患消除。", "已上门检查并整改燃气设施，恢复供气。"}},
      {"04", {"已约谈物业公司，责令限期整改，现已整改到位。", "已协调物业完成维修，设施恢复使用。"}},
      {"05", {"已安排环卫人员清理完毕，路面整洁。", "已劝离占道摊贩并清理现场，加强巡查。"}},
      {"06", {"已联系车主移走车辆，恢复通行。", "已张贴告知书并规范停放秩序。"}},
      {"07", {"已完成维修更换，设施恢复正常。", "已设置警示标志并修复路面。"}},
      {"08", {"已责令工地覆盖裸土、洒水降尘，现场已整改。", "已清扫遗撒路面并对运输车辆立案查处。"}},
      {"09", {"已清理隐患并对相关人员进行安全教育。", "已设置警戒并完成加固处理，隐患消除。"}},
      {"10", {"已现场执法检查，责令整改，问题已解决。", "已约谈责任人并限期整改，复查达标。"}},
      {"11", {"经调解双方达成一致，签订调解协议。", "已组织双方协商，矛盾化解。"}},
      {"12", {"已电话联系市民，详细解答政策并告知办理流程。", "已协助市民办理相关手续。"}},
      {"13", {"已安排园林工人修剪清理，现场恢复。", "已补植绿化并加强养护。"}},
      {"14", {"已组织技术人员现场指导并处理完毕。", "已协调清淤修复，恢复正常使用。"}},
      {"99", {"已核实情况并答复市民。", "已转相关部门研究，并向市民解释说明。"}},
  };
  auto it = kNotes.find(std::string(category.substr(0, 2)));
  if (it == kNotes.end()) return "已处理完毕。";
  return it->second[turn % it->second.size()];
}

constexpr const char* kSelfHandleNotes[] = {"网格员现场劝导，已当场整改。", "网格员协调清理完毕，现场已恢复。",
                                            "网格员上门沟通，居民已自行清理。", "网格员现场调解，双方达成谅解。"};
constexpr const char* kRejectNotes[] = {"反映内容不属于受理范围，已告知市民通过其他渠道反映。",
                                        "信息不全且无法联系反映人，无法核实。", "属于司法诉讼程序中的事项，不予受理。"};
constexpr const char* kReturnNotes[] = {"经核实，该问题不属于本单位职责范围，请重新派遣。",
                                        "该设施产权不属于本单位，建议派往属地处置。", "事发地点不在本单位管辖范围。"};
constexpr const char* kEscalateNotes[] = {"涉及多个部门，街道协调难度大，提请区级统筹处置。",
                                          "问题复杂，需上级部门协调解决。", "超出本级处置权限，申请上级支持。"};
constexpr const char* kSuspendNotes[] = {"需待供暖季结束后施工，申请挂账。", "涉及规划调整，需等待上级批复。",
                                         "当事人外出无法联系，暂缓办理。", "涉及诉讼，等待法院判决。"};
constexpr const char* kExtensionNotes[] = {"需采购配件，申请延期。", "涉及多方协调，申请延期办理。",
                                           "受天气影响无法施工，申请延期。"};
constexpr const char* kVerifyFailNotes[] = {"现场核查问题仍未解决，退回重新处置。", "整改不彻底，需返工。",
                                            "居民反映问题仍存在，核查不通过。"};
constexpr const char* kUrgeNotes[] = {"即将超期，请抓紧办理。", "市民多次来电催问，请加快办理进度。"};
constexpr const char* kSuperviseNotes[] = {"已超期，列入督办，请三日内反馈办理情况。",
                                           "领导批示：请相关单位限期办结。"};

// ---------------------------------------------------------------------------------------------------------
// Channels: how many of the reports, on working and on off days, at which hours.

struct ChannelMix {
  Channel channel;
  double working, off;  // relative weights on working days and off days
  double hours[24];     // relative weight of each local hour
};

const std::vector<ChannelMix>& Channels() {
  // clang-format off
  static const std::vector<ChannelMix> kMix = {
      {Channel::kGridWorker, 50, 22, {0, 0, 0, 0, 0, 0, 0.2, 1, 5, 8, 8, 6, 1, 1, 4, 7, 8, 6, 2, 1, 0.5, 0.2, 0, 0}},
      {Channel::kHotline, 28, 30, {0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 3, 6, 8, 8, 7, 5, 5, 7, 7, 7, 6, 5, 5, 4, 3, 2, 1}},
      {Channel::kResidentApp, 13, 19, {0.5, 0.3, 0.1, 0.1, 0.1, 0.2, 1, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 7, 4, 2}},
      {Channel::kOpen311, 2.5, 3, {0.5, 0.3, 0.1, 0.1, 0.1, 0.2, 1, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 7, 4, 2}},
      {Channel::kDrone, 2.2, 0.4, {0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 8, 8, 2, 2, 8, 8, 5, 0, 0, 0, 0, 0, 0, 0}},
      {Channel::kIot, 2.5, 2.5, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
      {Channel::kSuperior, 1.5, 0.1, {0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 8, 6, 0, 0, 0, 8, 8, 5, 0, 0, 0, 0, 0, 0}},
  };
  // clang-format on
  return kMix;
}

// ---------------------------------------------------------------------------------------------------------
// The territory as the generator sees it.

struct GridRef {
  const geo::Grid* grid = nullptr;
  geo::Box box;
  const Division* community = nullptr;
  const Division* street = nullptr;
  bool rural = false;
};

struct County {
  const Division* division = nullptr;
  std::vector<GridRef> grids;
  double rate = 0;  // cases a day
};

// A case planned for a day: when, where, by which channel; the rest is drawn from its own seed.
struct Planned {
  Timestamp at = 0;
  uint32_t county = 0;
  uint32_t index = 0;  // within its county-day
  Channel channel = Channel::kGridWorker;
  uint64_t seed = 0;
};

// A recent case of a county, a candidate for duplicates.
struct Recent {
  int64_t id = 0;
  Timestamp at = 0;
  std::string category;
  const GridRef* grid = nullptr;
  bool has_point = false;
  double lon = 0, lat = 0;
  std::string place;
};

// What intake decided about a planned case; the workflow then plays it out.
struct Intake {
  Case draft;
  ActionRequest report;
  std::string category;      // the category the center settles on
  bool classify = false;     // the operator classifies it (hotline, superior, a resident's wrong choice)
  int64_t duplicate_of = 0;  // merged into this case
  bool reject = false;
  bool self_handle = false;
  uint64_t seed = 0;
};

// A finished history: the final case and its events.
struct Simulated {
  Case c;
  std::vector<CaseEvent> events;
};

Level NextLevelUp(Level l) {
  return l <= Level::kProvince ? Level::kProvince : static_cast<Level>(static_cast<int>(l) - 1);
}

// The county-level unit (template key) that takes a category when a case is escalated to the county or
// re-dispatched by hand.
const char* CountyKeyFor(std::string_view category) {
  static const std::map<std::string_view, const char*> kMinor = {
      {"0601", "enforcement"},       {"0602", "traffic"},       {"0705", "traffic"},
      {"1001", "ecology"},           {"1101", "civil_affairs"}, {"1102", "natural_resources"},
      {"1103", "civil_affairs"},     {"1104", "hrss"},          {"1105", "housing"},
      {"1106", "natural_resources"}, {"1201", "hrss"},          {"1202", "medical_insurance"},
      {"1203", "education"},         {"1208", "health"},        {"1209", "natural_resources"},
      {"1401", "water_resources"},   {"1405", "transport"},
  };
  static const std::map<std::string_view, const char*> kMajor = {
      {"01", "heating"},     {"02", "water"},       {"03", "gas"},           {"04", "housing"},
      {"05", "enforcement"}, {"06", "traffic"},     {"07", "municipal"},     {"08", "housing"},
      {"09", "emergency"},   {"10", "ecology"},     {"11", "civil_affairs"}, {"12", "civil_affairs"},
      {"13", "greening"},    {"14", "agriculture"}, {"99", "civil_affairs"}};
  if (auto it = kMinor.find(category); it != kMinor.end()) return it->second;
  if (auto it = kMajor.find(category.substr(0, 2)); it != kMajor.end()) return it->second;
  return "civil_affairs";
}

// ---------------------------------------------------------------------------------------------------------
// The world the workflow runs in: reference data, calendar, routing (cached), end time.

class World {
 public:
  World(const app::ReferenceSnapshot& ref, const Catalogue& catalogue, Timestamp end)
      : ref_(ref), catalogue_(catalogue), cal_(ref.CalendarOf("")), end_(end) {
    for (const RoutingRule& r : ref.data().rules) {
      rules_at_[r.territory].push_back(&r);
      const Unit* u = ref.UnitById(r.unit);
      if (u && u->active) rule_places_.insert(r.category + "|" + r.territory);
    }
  }

  const app::ReferenceSnapshot& ref() const { return ref_; }
  const Calendar& cal() const { return cal_; }
  Timestamp end() const { return end_; }

  // The unit of template `key` in `division`, or 0.
  int64_t UnitOf(const std::string& division, const std::string& key) const { return catalogue_.UnitId(division, key); }

  // Route(category, territory) as RoutingTable answers it, cached: the most specific territory wins, so the
  // choice depends on the case's territory only through its deepest ancestor (or itself) that some rule for
  // the category or its major names, and the reason names that rule's territory, not the case's. Fallbacks
  // (no such ancestor) name the case's territory and are not cached.
  Result<DispatchTarget> Route(const std::string& category, const std::string& territory) {
    std::string key;
    for (int level = static_cast<int>(Level::kGrid); level >= static_cast<int>(Level::kProvince) && key.empty();
         --level) {
      const size_t length = static_cast<size_t>(CodeLength(static_cast<Level>(level)));
      if (length > territory.size()) continue;
      const std::string place = territory.substr(0, length);
      if (rule_places_.count(category + "|" + place) || rule_places_.count(category.substr(0, 2) + "|" + place))
        key = category + "|" + place;
    }
    if (!key.empty())
      if (auto it = routes_.find(key); it != routes_.end()) return it->second;
    auto decision = RouteAmongAncestors(category, territory);
    if (!decision) return decision.error();
    if (!key.empty() && !decision->fallback) routes_.emplace(key, decision->target);
    return decision->target;
  }

  // The routing decision of the whole reference data, computed by core routing over the rules that can
  // match `territory` — those of its ancestors (and itself) — with their units and the command centers of
  // its chain: the same target, without walking the hundreds of rules of other streets.
  Result<RoutingDecision> RouteAmongAncestors(const std::string& category, const std::string& territory) const {
    std::vector<RoutingRule> rules;
    std::vector<Unit> units;
    auto add_unit = [&](const Unit* u) {
      if (u && std::none_of(units.begin(), units.end(), [&](const Unit& x) { return x.id == u->id; }))
        units.push_back(*u);
    };
    for (int level = static_cast<int>(Level::kProvince); level <= static_cast<int>(Level::kGrid); ++level) {
      const size_t length = static_cast<size_t>(CodeLength(static_cast<Level>(level)));
      if (length > territory.size()) break;
      const std::string place = territory.substr(0, length);
      if (auto it = rules_at_.find(place); it != rules_at_.end())
        for (const RoutingRule* r : it->second) {
          if (r->category != category && r->category != category.substr(0, 2)) continue;
          rules.push_back(*r);
          add_unit(ref_.UnitById(r->unit));
          for (int64_t co : r->co_units) add_unit(ref_.UnitById(co));
        }
      add_unit(ref_.routing().CenterAtOrAbove(place, static_cast<Level>(level)));
    }
    return civicgrid::Route(rules, units, category, territory);
  }

  // The context CaseService::Act gives Apply for `req` on `before`; `hand_unit` is a dispatch by hand.
  Result<ActionContext> Context(const Case& before, const ActionRequest& req, int64_t hand_unit) {
    ActionContext ctx;
    const std::string& code = !req.category.empty() ? req.category : before.category;
    ctx.category = code.empty() ? nullptr : ref_.CategoryByCode(code);
    ctx.calendar = &ref_.CalendarOf(before.calendar);
    switch (req.action) {
      case A::kDispatch: {
        if (!ctx.category) break;
        if (hand_unit) {
          const Unit* u = ref_.UnitById(hand_unit);
          if (!u || !u->active) return Error::Internal("demo history: no active unit " + std::to_string(hand_unit));
          DispatchTarget t;
          t.unit = u->id;
          t.reason = "chosen by " + req.actor;
          t.calendar = u->calendar;
          ctx.dispatch = t;
        } else {
          auto target = Route(ctx.category->code, before.territory);
          if (!target) return target.error();
          ctx.dispatch = *target;
        }
        ctx.calendar = &ref_.CalendarOf(ctx.dispatch->calendar);
        break;
      }
      case A::kReopen: {
        const Unit* u = ref_.UnitById(before.unit);
        if (u && u->active) {
          DispatchTarget t;
          t.unit = u->id;
          t.calendar = u->calendar;
          t.reason = "reopened to the same unit";
          ctx.dispatch = t;
          ctx.calendar = &ref_.CalendarOf(u->calendar);
        }
        break;
      }
      case A::kEscalate: {
        const Unit* upper = ref_.routing().CenterAtOrAbove(before.territory, NextLevelUp(before.level));
        while (upper && upper->level() >= before.level) {
          const Level above = NextLevelUp(upper->level());
          if (above == upper->level()) {
            upper = nullptr;
            break;
          }
          upper = ref_.routing().CenterAtOrAbove(before.territory, above);
        }
        if (upper) {
          ctx.upper_center = upper->id;
          ctx.upper_level = upper->level();
        }
        break;
      }
      case A::kResolve: {
        const Unit* u = ref_.UnitById(before.unit);
        ctx.unit_level = u ? u->level() : before.level;
        break;
      }
      case A::kMerge:
        ctx.duplicate_exists = true;  // intake only names earlier cases that are not merged
        break;
      default: break;
    }
    return ctx;
  }

 private:
  const app::ReferenceSnapshot& ref_;
  const Catalogue& catalogue_;
  const Calendar& cal_;
  Timestamp end_;
  std::unordered_map<std::string, std::vector<const RoutingRule*>> rules_at_;  // by territory
  std::unordered_set<std::string> rule_places_;  // "category|territory" of every rule with an active unit
  std::unordered_map<std::string, DispatchTarget> routes_;
};

// ---------------------------------------------------------------------------------------------------------
// One case played through the workflow. Every step goes through Apply with the app's context; a step
// after the end time is not taken (the case stays open where it is); the overdue job's mark is appended
// when a handle deadline passes before the next step (or before the end).

class CaseSim {
 public:
  explicit CaseSim(World& world) : w_(world) {}

  Result<void> Start(const Intake& in) {
    ActionContext ctx;
    ctx.calendar = &w_.ref().CalendarOf("");
    ctx.category = in.draft.category.empty() ? nullptr : w_.ref().CategoryByCode(in.draft.category);
    auto out = civicgrid::Report(in.draft, in.report, ctx);
    if (!out) return out.error();
    c_ = std::move(out->after);
    events_.push_back(std::move(out->event));
    return {};
  }

  // Takes `req` at req.at. False when the case stops here (req.at is after the end) or on an error (kept
  // for Finish).
  bool Do(ActionRequest req, int64_t hand_unit = 0) {
    if (error_) return false;
    req.at = std::max(req.at, c_.updated_at);
    MarkOverdueBefore(std::min(req.at, w_.end() + 1));
    if (error_) return false;
    if (req.at > w_.end()) return false;
    return Take(req, hand_unit);
  }

  // Ends the simulation: the overdue mark if the deadline passed by the end; the case and its events.
  Result<Simulated> Finish() {
    MarkOverdueBefore(w_.end() + 1);
    if (error_) return *error_;
    return Simulated{std::move(c_), std::move(events_)};
  }

  const Case& c() const { return c_; }
  Timestamp now() const { return c_.updated_at; }
  const Calendar& cal() const { return w_.cal(); }

  // The instant at which `fraction` of `clock`'s budget is used (counting from its start, past pauses
  // included), but never before now.
  Timestamp ClockAt(const PhaseClock& clock, double fraction) const {
    const int64_t amount =
        static_cast<int64_t>(std::llround(fraction * static_cast<double>(clock.budget))) + clock.paused;
    const Timestamp t = clock.working ? AddWorkingSeconds(cal(), clock.start, amount) : clock.start + amount;
    return std::max(t, now() + 1);
  }
  // `minutes` of working time after `from`.
  Timestamp Work(Timestamp from, double minutes) const {
    return AddWorkingSeconds(cal(), from, std::max<int64_t>(1, std::llround(minutes * 60)));
  }

 private:
  bool Take(const ActionRequest& req, int64_t hand_unit) {
    auto ctx = w_.Context(c_, req, hand_unit);
    if (!ctx) {
      error_ = ctx.error();
      return false;
    }
    auto out = Apply(c_, req, *ctx);
    if (!out) {
      error_ =
          Error::Internal("demo history: case " + std::to_string(c_.id) + ": " + std::string(ActionName(req.action)) +
                          " from " + std::string(CaseStatusName(c_.status)) + ": " + out.error().message);
      return false;
    }
    c_ = std::move(out->after);
    events_.push_back(std::move(out->event));
    return true;
  }

  // The overdue job runs every 30 s: a case whose handle deadline passed before `t` gets its mark then.
  void MarkOverdueBefore(Timestamp t) {
    if (c_.overdue || c_.handle_due == 0 || (c_.status != S::kDispatched && c_.status != S::kAcknowledged)) return;
    const Timestamp mark = std::max(c_.handle_due + 1 + static_cast<Timestamp>(c_.id % 30), c_.updated_at);
    if (mark >= t) return;
    ActionRequest req;
    req.action = A::kMarkOverdue;
    req.actor = "system";
    req.role = Role::kSystem;
    req.at = mark;
    Take(req, 0);
  }

  World& w_;
  Case c_;
  std::vector<CaseEvent> events_;
  std::optional<Error> error_;
};

// The users who act: one of six operators of a center, one of three users of a unit, chosen by `turn`.
std::string OperatorOf(int64_t center, uint64_t turn) {
  return "op-" + std::to_string(center) + "-" + std::to_string(turn % 6 + 1);
}
std::string UnitUserOf(int64_t unit, uint64_t turn) {
  return "u-" + std::to_string(unit) + "-" + std::to_string(turn % 3 + 1);
}

ActionRequest Request(Action action, const std::string& actor, Role role, Timestamp at, std::string note = {}) {
  ActionRequest r;
  r.action = action;
  r.actor = actor;
  r.role = role;
  r.at = at;
  r.note = std::move(note);
  return r;
}

// Plays one case out. The probabilities are per case and tuned to the figures the sources report: about
// 3% returned, 2% extended, 1% escalated, 2% reworked, 15% of grid workers' reports handled on the spot,
// 2% rejected or merged, a few % resolved late, satisfaction about 93%.
class Lifecycle {
 public:
  Lifecycle(World& world, const Intake& in) : w_(world), in_(in), rng_(in.seed), sim_(world) {}

  Result<Simulated> Run() {
    if (auto r = sim_.Start(in_); !r) return r.error();
    Play();
    return sim_.Finish();
  }

 private:
  const Case& c() const { return sim_.c(); }
  // Who acts and with which note, varied by the case and its step without drawing randomness (so that
  // a call never draws twice in one expression, whose order C++ leaves unspecified).
  uint64_t Turn() const { return static_cast<uint64_t>(c().id) * 7919 + static_cast<uint64_t>(c().version); }
  std::string Op() const { return OperatorOf(c().center, Turn()); }
  std::string UnitUser(int64_t unit) const { return UnitUserOf(unit, Turn()); }
  template <size_t N>
  const char* Note(const char* const (&notes)[N]) const {
    return notes[Turn() % N];
  }
  bool Urgent() const { return c().priority == Priority::kUrgent; }
  // An operator's reaction time: natural minutes for urgent cases (the center is on duty around the clock),
  // else working minutes.
  Timestamp OpDelay(double median_minutes) {
    const double m = std::clamp(rng_.LogNormal(median_minutes, 0.8), 1.0, median_minutes * 12);
    if (Urgent()) return sim_.now() + std::llround(m * 60 / 3);
    return sim_.Work(sim_.now(), m);
  }
  // A dispatch by the case's center, classifying the case on the way if intake left that to the center.
  ActionRequest DispatchRequest(double median_minutes) {
    auto r = Request(A::kDispatch, Op(), Role::kOperator, OpDelay(median_minutes));
    if (c().category != in_.category) r.category = in_.category;
    return r;
  }
  std::string Verifier() {
    if (!c().grid.empty() && rng_.Chance(0.75)) return "gw-" + c().grid;
    return Op();
  }

  void Play() {
    const Timestamp t0 = sim_.now();
    if (in_.duplicate_of) {
      auto r = Request(A::kMerge, Op(), Role::kOperator, OpDelay(20), "与已受理事件重复，合并办理");
      r.duplicate_of = in_.duplicate_of;
      sim_.Do(r);
      return;
    }
    if (in_.reject) {
      sim_.Do(Request(A::kReject, Op(), Role::kOperator, OpDelay(30), Note(kRejectNotes)));
      return;
    }
    // 村呼镇应: a grid worker who cannot handle a matter calls the street at once.
    if (c().level == Level::kGrid && !in_.self_handle && rng_.Chance(0.009)) {
      if (!sim_.Do(Request(A::kEscalate, in_.report.actor, Role::kGridWorker, t0 + rng_.Int(120, 1800),
                           "网格内无法处置，上报街道协调")))
        return;
      if (!sim_.Do(DispatchRequest(30))) return;
      Handle();
      return;
    }
    if (in_.self_handle) {
      const std::string worker = "gw-" + c().grid;
      if (!sim_.Do(Request(A::kSelfHandle, worker, Role::kGridWorker, t0 + rng_.Int(5 * 60, 50 * 60),
                           Note(kSelfHandleNotes))))
        return;
      const bool fails = rng_.Chance(0.02);
      const Timestamp verify_at = sim_.ClockAt(c().clocks.verify, rng_.Uniform(0.05, 0.8));
      if (!fails) {
        if (!sim_.Do(Request(A::kVerifyPass, Op(), Role::kOperator, verify_at))) return;
        sim_.Do(Request(A::kClose, Op(), Role::kOperator, OpDelay(30)));
        return;
      }
      // Verification failed: back to the center, which dispatches it like any other case.
      if (!sim_.Do(Request(A::kVerifyFail, Op(), Role::kOperator, verify_at, Note(kVerifyFailNotes)))) return;
    } else {
      const Timestamp accept_at = c().channel == Channel::kHotline ? t0 + rng_.Int(60, 15 * 60) : OpDelay(25);
      if (!sim_.Do(Request(A::kAccept, Op(), Role::kOperator, accept_at))) return;
      if (in_.classify && rng_.Chance(0.5)) {
        auto r = Request(A::kClassify, Op(), Role::kOperator, sim_.now() + rng_.Int(30, 600));
        r.category = in_.category;
        if (!sim_.Do(r)) return;
      }
      // 街呼区应: the street's center hands a hard case to the county before dispatching it.
      if (c().level == Level::kStreet && rng_.Chance(0.004)) {
        if (!Escalate(Role::kOperator, Op())) return;
        Handle();
        return;
      }
    }
    auto dispatch = DispatchRequest(20);
    if (c().channel == Channel::kSuperior && rng_.Chance(0.4)) dispatch.priority = Priority::kHigh;
    if (!sim_.Do(dispatch)) return;
    Handle();
  }

  // Escalates the case to the county's center, which dispatches it by hand to a county unit. False when
  // the case stops.
  bool Escalate(Role role, const std::string& actor) {
    if (!sim_.Do(Request(A::kEscalate, actor, role,
                         role == Role::kUnit ? sim_.Work(sim_.now(), rng_.Uniform(60, 900)) : OpDelay(60),
                         Note(kEscalateNotes))))
      return false;
    const std::string county = c().territory.substr(0, 6);
    int64_t unit = w_.UnitOf(county, CountyKeyFor(c().category));
    if (!unit) unit = w_.UnitOf(county, "center");
    if (!unit) return false;
    return sim_.Do(DispatchRequest(90), unit);
  }

  // The unit's part, from dispatched to closed (and again after a reopen).
  void Handle() {
    const bool street_case = c().level == Level::kStreet;
    // 回退: not this unit's job; the center sends it elsewhere.
    if (c().returns == 0 && rng_.Chance(0.03)) {
      const int64_t unit = c().unit;
      if (rng_.Chance(0.4) && !sim_.Do(Request(A::kAcknowledge, UnitUser(unit), Role::kUnit,
                                               sim_.ClockAt(c().clocks.acknowledge, rng_.Uniform(0.05, 0.7)))))
        return;
      if (!sim_.Do(Request(A::kReturn, UnitUser(unit), Role::kUnit, sim_.Work(sim_.now(), rng_.Uniform(20, 700)),
                           Note(kReturnNotes))))
        return;
      if (!Redispatch(unit)) return;
    }
    if (!sim_.Do(Request(A::kAcknowledge, UnitUser(c().unit), Role::kUnit,
                         sim_.ClockAt(c().clocks.acknowledge, AckFraction()))))
      return;
    // 街呼区应: the unit cannot solve it at the street's level.
    if (street_case && c().escalations == 0 && rng_.Chance(0.009)) {
      if (!Escalate(Role::kUnit, UnitUser(c().unit))) return;
      if (!sim_.Do(Request(A::kAcknowledge, UnitUser(c().unit), Role::kUnit,
                           sim_.ClockAt(c().clocks.acknowledge, AckFraction()))))
        return;
    }
    // 挂账: the clock stops while something outside the unit's hands is awaited.
    if (rng_.Chance(0.008)) {
      if (!sim_.Do(Request(A::kSuspend, Op(), Role::kOperator, sim_.ClockAt(c().clocks.handle, rng_.Uniform(0.1, 0.6)),
                           Note(kSuspendNotes))))
        return;
      const double days = rng_.Chance(0.25) ? rng_.Uniform(30, 150) : rng_.Uniform(2, 20);
      if (!sim_.Do(Request(A::kResume, Op(), Role::kOperator, sim_.Work(sim_.now(), days * 480)))) return;
    }
    // 延期: the unit asks for more time, the center mostly grants it.
    if (c().extensions == 0 && rng_.Chance(0.022)) {
      auto r = Request(A::kRequestExtension, UnitUser(c().unit), Role::kUnit,
                       sim_.ClockAt(c().clocks.handle, rng_.Uniform(0.4, 0.9)), Note(kExtensionNotes));
      r.extension = c().clocks.handle.working ? TimeLimit{TimeLimitKind::kWorkingDays, rng_.Int(2, 10)}
                                              : TimeLimit{TimeLimitKind::kNaturalDays, rng_.Int(1, 5)};
      if (!sim_.Do(r)) return;
      const bool grant = rng_.Chance(0.88);
      if (!sim_.Do(Request(grant ? A::kGrantExtension : A::kDenyExtension, Op(), Role::kOperator, OpDelay(90)))) return;
    }
    Resolve();
  }

  double AckFraction() {
    const double x = rng_.Uniform();
    if (x < 0.9) return rng_.Uniform(0.03, 0.6);
    if (x < 0.975) return rng_.Uniform(0.6, 1.0);
    return rng_.Uniform(1.0, 3.0);  // late
  }

  // Re-dispatch after a return: to a sibling category that routes elsewhere, else by hand to a county unit,
  // the street's center or the county's center — whichever is not the unit that returned it.
  bool Redispatch(int64_t returned_by) {
    auto r = Request(A::kDispatch, Op(), Role::kOperator, OpDelay(40));
    const std::string major = c().category.substr(0, 2);
    std::vector<std::string> siblings;
    for (const Category& cat : w_.ref().data().categories)
      if (cat.parent == major && cat.code != c().category && cat.active) siblings.push_back(cat.code);
    if (!siblings.empty() && rng_.Chance(0.5)) {
      const std::string& other = rng_.Pick(siblings);
      auto target = w_.Route(other, c().territory);
      if (target && target->unit != returned_by) {
        r.category = other;
        return sim_.Do(r);
      }
    }
    const std::string county = c().territory.substr(0, 6);
    for (int64_t unit : {w_.UnitOf(county, CountyKeyFor(c().category)),
                         w_.UnitOf(c().territory.substr(0, std::min<size_t>(9, c().territory.size())), "center"),
                         w_.UnitOf(county, "center")})
      if (unit && unit != returned_by) return sim_.Do(r, unit);
    return sim_.Do(r);
  }

  void Resolve() {
    // How much of the handle budget the unit uses: mostly well within it, a few % late, a tail of hard cases
    // that take months.
    const double x = rng_.Uniform();
    double f = x < 0.62    ? rng_.Uniform(0.05, 0.6)
               : x < 0.925 ? rng_.Uniform(0.6, 0.95)
               : x < 0.96  ? rng_.Uniform(0.95, 1.0)
               : x < 0.984 ? rng_.Uniform(1.0, 2.0)
                           : rng_.Uniform(4.0, 100.0);
    if (c().reworks > 0) f = std::min(f, rng_.Uniform(0.1, 0.7));
    const PhaseClock handle = c().clocks.handle;
    if (f > 0.9 && rng_.Chance(0.5) &&
        !sim_.Do(Request(A::kUrge, Op(), Role::kOperator, sim_.ClockAt(handle, rng_.Uniform(0.8, std::min(f, 1.0))),
                         Note(kUrgeNotes))))
      return;
    if (f > 1.5 && rng_.Chance(0.4) &&
        !sim_.Do(Request(A::kSupervise, "leader-" + c().territory.substr(0, 6), Role::kLeader,
                         sim_.ClockAt(handle, rng_.Uniform(1.05, f)), Note(kSuperviseNotes))))
      return;
    if (!sim_.Do(Request(A::kResolve, UnitUser(c().unit), Role::kUnit, sim_.ClockAt(handle, f),
                         ResolveNote(c().category, Turn()))))
      return;
    Verify();
  }

  void Verify() {
    const Timestamp at =
        sim_.ClockAt(c().clocks.verify, rng_.Chance(0.93) ? rng_.Uniform(0.05, 0.9) : rng_.Uniform(0.9, 2));
    const std::string verifier = Verifier();
    const Role role = verifier.rfind("gw-", 0) == 0 ? Role::kGridWorker : Role::kOperator;
    if (c().reworks == 0 && rng_.Chance(0.02)) {
      if (!sim_.Do(Request(A::kVerifyFail, verifier, role, at, Note(kVerifyFailNotes)))) return;
      Resolve();
      return;
    }
    if (!sim_.Do(Request(A::kVerifyPass, verifier, role, at))) return;
    Callback();
  }

  void Callback() {
    // 回访: only a reporter with a phone can be called back, and not every call gets through.
    if (!c().reporter_phone.empty() && rng_.Chance(0.93)) {
      auto r = Request(A::kCallback, Op(), Role::kOperator, sim_.Work(sim_.now(), rng_.LogNormal(240, 0.8)));
      const double x = rng_.Uniform();
      const bool late = c().overdue || c().reopens > 0;
      const double unsatisfied = late ? 0.2 : 0.11, basic = late ? 0.3 : 0.15;
      r.evaluation = x < unsatisfied           ? Evaluation::kUnsatisfied
                     : x < unsatisfied + basic ? Evaluation::kBasicallySatisfied
                                               : Evaluation::kSatisfied;
      r.note = r.evaluation == Evaluation::kUnsatisfied ? "回访不满意：问题未彻底解决" : "电话回访，市民认可处理结果";
      if (!sim_.Do(r)) return;
      if (r.evaluation == Evaluation::kUnsatisfied && c().reopens == 0 && c().unit != 0 && rng_.Chance(0.5)) {
        if (!sim_.Do(Request(A::kReopen, Op(), Role::kOperator, OpDelay(60), "群众不满意，重新派单办理"))) return;
        Handle();
        return;
      }
    }
    auto close = Request(A::kClose, Op(), Role::kOperator, OpDelay(60));
    if (c().evaluation == Evaluation::kUnsatisfied) close.note = "已向市民解释说明，按程序结案";
    sim_.Do(close);
  }

  World& w_;
  const Intake& in_;
  Rng rng_;
  CaseSim sim_;
};

// ---------------------------------------------------------------------------------------------------------
// Intake: what is reported, where, by whom.

class Reporter {
 public:
  Reporter(World& world, const std::vector<County>& counties, const geo::GridIndex& index)
      : w_(world), counties_(counties), index_(index), recent_(counties.size()) {
    for (const Kind& k : Kinds())
      if (w_.ref().CategoryByCode(k.code)) kinds_.push_back(&k);
  }

  // Decides everything about the planned case that will get `id`.
  Intake Make(const Planned& p, int64_t id) {
    Rng rng(p.seed);
    const County& county = counties_[p.county];
    Intake in;
    in.seed = Mix(p.seed, 0x51u);
    Case& d = in.draft;
    d.id = id;
    d.channel = p.channel;
    d.tracking_code = TrackingCode(rng);

    // A duplicate: another report of a matter reported in the last two days nearby.
    const Recent* original = nullptr;
    auto& recent = recent_[p.county];
    if (!recent.empty() && rng.Chance(0.016)) {
      const Recent& r = recent[rng.Next() % recent.size()];
      if (p.at - r.at < 2 * 86400) original = &r;
    }
    const GridRef& g = original ? *original->grid : county.grids[rng.Next() % county.grids.size()];
    const Kind* kind = original ? KindOf(original->category) : ChooseKind(rng, p.channel, g, p.at);
    if (!kind) kind = kinds_.front();
    in.category = kind->code;
    std::string place = original ? original->place : Place(rng, g);

    // Where: a point in the grid (phones, drones, sensors, the operator's map), else the address alone.
    const bool address_only = (p.channel == Channel::kHotline && rng.Chance(0.6)) || p.channel == Channel::kSuperior;
    if (!address_only) {
      if (original && original->has_point) {
        d.has_point = true;
        d.lon = original->lon + rng.Uniform(-2e-4, 2e-4);
        d.lat = original->lat + rng.Uniform(-2e-4, 2e-4);
        if (const geo::Grid* found = index_.Find(geo::Point(d.lon, d.lat))) {
          d.grid = found->code;
        } else {
          d.lon = original->lon;
          d.lat = original->lat;
          d.grid = original->grid->grid->code;
        }
      } else if (auto pt = PointIn(rng, g)) {
        d.has_point = true;
        d.lon = pt->x();
        d.lat = pt->y();
        d.grid = g.grid->code;
      }
    }
    d.territory = d.grid.empty() ? g.community->code : d.grid;
    d.address = county.division->name + g.street->name + place;
    d.description = Describe(rng, *kind, p.channel, place, g);

    // Who: reporters (personal data) only where a person calls or writes in.
    switch (p.channel) {
      case Channel::kHotline:
        if (rng.Chance(0.85)) d.reporter_name = Name(rng);
        d.reporter_phone = Phone(rng);
        break;
      case Channel::kResidentApp:
        if (rng.Chance(0.6)) d.reporter_name = Name(rng);
        if (rng.Chance(0.9)) d.reporter_phone = Phone(rng);
        break;
      case Channel::kOpen311:
        if (rng.Chance(0.4)) d.reporter_name = Name(rng);
        if (rng.Chance(0.5)) d.reporter_phone = Phone(rng);
        break;
      default: break;
    }

    // The category as reported: grid workers, drones and sensors classify; residents pick one (sometimes the
    // wrong one); the hotline operator registers half of the calls with a category; superiors never.
    const Unit* center = w_.ref().routing().CenterAtOrAbove(d.territory, Level::kStreet);
    d.center = center ? center->id : 0;
    d.level = p.channel == Channel::kGridWorker && !d.grid.empty() ? Level::kGrid
              : center                                             ? center->level()
                                                                   : Level::kStreet;
    switch (p.channel) {
      case Channel::kHotline: in.classify = rng.Chance(0.5); break;
      case Channel::kSuperior: in.classify = true; break;
      case Channel::kResidentApp:
      case Channel::kOpen311:
        if (rng.Chance(0.06)) {
          std::vector<std::string> siblings;
          for (const Kind* k : kinds_)
            if (std::string_view(k->code).substr(0, 2) == std::string_view(kind->code).substr(0, 2) && k != kind)
              siblings.push_back(k->code);
          if (!siblings.empty()) {
            d.category = rng.Pick(siblings);
            in.classify = true;
          }
        }
        break;
      default: break;
    }
    if (!in.classify && d.category.empty()) d.category = in.category;

    in.report.action = A::kReport;
    in.report.at = p.at;
    switch (p.channel) {
      case Channel::kGridWorker:
        in.report.actor = "gw-" + (d.grid.empty() ? g.grid->code : d.grid);
        in.report.role = Role::kGridWorker;
        break;
      case Channel::kHotline:
        in.report.actor = OperatorOf(d.center, rng.Next());
        in.report.role = Role::kOperator;
        break;
      case Channel::kResidentApp:
        in.report.actor = "resident-" + std::to_string(100000 + rng.Next() % 900000);
        in.report.role = Role::kResident;
        break;
      case Channel::kOpen311:
        in.report.actor = "anonymous";
        in.report.role = Role::kResident;
        break;
      case Channel::kDrone:
        in.report.actor = "drone-" + county.division->code + "-" + std::to_string(rng.Int(1, 8));
        in.report.role = Role::kSystem;
        break;
      case Channel::kIot:
        in.report.actor = "iot-" + std::string(kind->code) + "-" + std::to_string(1000 + rng.Next() % 9000);
        in.report.role = Role::kSystem;
        break;
      case Channel::kSuperior:
        in.report.actor = "leader-" + county.division->code.substr(0, 4);
        in.report.role = Role::kLeader;
        break;
    }

    // What the center does first: merge a duplicate, reject a few, or (grid workers) 能办即办.
    if (original) {
      in.duplicate_of = original->id;
    } else if (rng.Chance(p.channel == Channel::kHotline || p.channel == Channel::kOpen311 ? 0.016 : 0.005)) {
      in.reject = true;
    } else if (p.channel == Channel::kGridWorker && kind->small && !d.grid.empty() && rng.Chance(0.34)) {
      in.self_handle = true;
    }
    if (!original && !in.reject) {
      recent.push_back({id, p.at, in.category, &g, d.has_point, d.lon, d.lat, place});
      if (recent.size() > 64) recent.erase(recent.begin());
    }
    return in;
  }

 private:
  const Kind* KindOf(const std::string& code) const {
    for (const Kind* k : kinds_)
      if (code == k->code) return k;
    return nullptr;
  }

  const Kind* ChooseKind(Rng& rng, Channel channel, const GridRef& g, Timestamp at) {
    const unsigned month = MonthOf(at);
    std::vector<double> weights(kinds_.size());
    for (size_t i = 0; i < kinds_.size(); ++i) {
      const Kind& k = *kinds_[i];
      double w = 0;
      switch (channel) {
        case Channel::kGridWorker:
        case Channel::kSuperior: w = k.patrol + (channel == Channel::kSuperior ? k.citizen : 0); break;
        case Channel::kDrone: w = k.drone; break;
        case Channel::kIot: w = k.iot; break;
        default: w = k.citizen; break;
      }
      w *= SeasonFactor(k.season, month);
      if (k.area == Area::kUrban && g.rural) w *= 0.15;
      if (k.area == Area::kRural && !g.rural) w *= 0.1;
      weights[i] = w;
    }
    return kinds_[rng.Weighted(weights)];
  }

  unsigned MonthOf(Timestamp at) const {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{w_.cal().LocalDay(at)}}};
    return static_cast<unsigned>(ymd.month());
  }

  std::optional<geo::Point> PointIn(Rng& rng, const GridRef& g) const {
    for (int i = 0; i < 40; ++i) {
      const double lon = std::round(rng.Uniform(g.box.min_corner().x(), g.box.max_corner().x()) * 1e6) / 1e6;
      const double lat = std::round(rng.Uniform(g.box.min_corner().y(), g.box.max_corner().y()) * 1e6) / 1e6;
      const geo::Point p(lon, lat);
      if (index_.Find(p) == g.grid) return p;
    }
    geo::Point c;
    geo::bg::centroid(g.grid->shape, c);
    if (index_.Find(c) == g.grid) return c;
    return std::nullopt;
  }

  static std::string Place(Rng& rng, const GridRef& g) {
    const std::string& community = g.community->name;
    if (g.rural) return community + rng.Pick(kDirections);
    // One draw per statement: the order of evaluation within an expression is unspecified.
    const int shape = rng.Int(0, 3);
    const std::string estate = rng.Pick(kEstates), road = rng.Pick(kRoads);
    const int building = rng.Int(1, 30), entrance = rng.Int(1, 4), number = rng.Int(1, 300);
    switch (shape) {
      case 0: return community + std::to_string(building) + "号楼" + std::to_string(entrance) + "单元";
      case 1: return community + estate;
      case 2: return community + road + std::to_string(number) + "号";
      default: return community + estate + std::to_string(building % 20 + 1) + "号楼";
    }
  }

  static std::string Describe(Rng& rng, const Kind& kind, Channel channel, const std::string& place, const GridRef& g) {
    std::string text = rng.Pick(kind.texts);
    const std::string road = g.community->name + "附近" + rng.Pick(kRoads);
    auto replace = [&text](std::string_view key, const std::string& value) {
      for (size_t pos; (pos = text.find(key)) != std::string::npos;) text.replace(pos, key.size(), value);
    };
    replace("{p}", place);
    replace("{r2}", rng.Pick(kRoads));
    replace("{r}", road);
    replace("{n}", std::to_string(rng.Int(3, 30)));
    replace("{d}", std::to_string(rng.Int(2, 7)));
    replace("{t}", std::to_string(rng.Int(12, 16)));
    replace("{f}", std::to_string(rng.Int(6, 18)));
    replace("{h}", std::to_string(rng.Int(22, 23)));
    replace("{x}", rng.Chance(0.5) ? rng.Pick(kCauses) : rng.Pick(kPolicies));
    switch (channel) {
      case Channel::kGridWorker: return "网格员巡查发现：" + text;
      case Channel::kHotline: return "市民来电反映：" + text;
      case Channel::kDrone: return "无人机巡查发现：" + text;
      case Channel::kIot: return "物联感知设备告警：" + text;
      case Channel::kSuperior: return "上级交办：" + text;
      default: return text;
    }
  }

  static std::string Name(Rng& rng) {
    const std::string surname = rng.Pick(kSurnames);
    return surname + (rng.Chance(0.55) ? "先生" : "女士");
  }
  static std::string Phone(Rng& rng) {
    char tail[8];
    std::snprintf(tail, sizeof tail, "%04d", rng.Int(0, 9999));
    return std::string(rng.Pick(kPhonePrefixes)) + "****" + tail;
  }
  // The format of app::NewTrackingCode (12 Crockford base32 characters in groups of four), drawn from the
  // seed so that the demo is reproducible.
  static std::string TrackingCode(Rng& rng) {
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    uint64_t bits = rng.Next();
    std::string out;
    for (int i = 0; i < 12; ++i) {
      if (i && i % 4 == 0) out += '-';
      out += kAlphabet[bits & 31];
      bits >>= 5;
    }
    return out;
  }

  World& w_;
  const std::vector<County>& counties_;
  const geo::GridIndex& index_;
  std::vector<const Kind*> kinds_;
  std::vector<std::vector<Recent>> recent_;
};

// ---------------------------------------------------------------------------------------------------------
// Volumes and the plan of the whole period.

// Cases a day of each county at scale 1 (DOMAIN.md §2).
void SetRates(std::vector<County>& counties, double scale, double other_scale) {
  size_t linyi_grids = 0, other_grids = 0, others = 0;
  for (const County& c : counties) {
    const std::string& code = c.division->code;
    if (code == "370305") continue;
    if (code.rfind("3713", 0) == 0) {
      linyi_grids += c.grids.size();
    } else {
      other_grids += c.grids.size();
      ++others;
    }
  }
  const double mean_other = others ? static_cast<double>(other_grids) / static_cast<double>(others) : 1;
  for (County& c : counties) {
    const std::string& code = c.division->code;
    const double grids = static_cast<double>(c.grids.size());
    if (code == "370305") {
      c.rate = 230;  // 临淄区 81890 hotline: ~230 appeals a day
    } else if (code.rfind("3713", 0) == 0) {
      c.rate = 195 * grids / static_cast<double>(std::max<size_t>(linyi_grids, 1));  // 临沂: 7.1万 a year
    } else {
      c.rate = std::clamp(15 * std::sqrt(grids / mean_other), 10.0, 20.0) * other_scale;
    }
    c.rate *= scale;
  }
}

// The volume of a day relative to the mean: fewer reports on off days, more in the heating season.
double DayFactor(const Calendar& cal, Day day) {
  static constexpr double kMonth[] = {1.15, 0.9, 1.0, 0.95, 1.0, 1.05, 1.1, 1.1, 1.0, 0.9, 1.1, 1.15};
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  return kMonth[static_cast<unsigned>(ymd.month()) - 1] * (cal.IsWorkingDay(day) ? 1.0 : 0.7);
}

std::vector<Planned> Plan(const std::vector<County>& counties, const Calendar& cal, Day first, Day last, Timestamp end,
                          uint64_t seed) {
  double mean = 0;
  for (Day d = first; d <= last; ++d) mean += DayFactor(cal, d);
  mean /= std::max(1, last - first + 1);
  std::vector<Planned> out;
  const auto& mix = Channels();
  for (Day d = first; d <= last; ++d) {
    const bool working = cal.IsWorkingDay(d);
    std::vector<double> channel_weights;
    for (const auto& m : mix) channel_weights.push_back(working ? m.working : m.off);
    const Timestamp midnight = int64_t{d} * 86400 - int64_t{cal.utc_offset_minutes} * 60;
    const double factor = DayFactor(cal, d) / mean;
    for (size_t ci = 0; ci < counties.size(); ++ci) {
      Rng rng(Mix(Mix(seed, HashText(counties[ci].division->code)), static_cast<uint64_t>(d)));
      const int n = rng.Poisson(counties[ci].rate * factor);
      for (int i = 0; i < n; ++i) {
        Planned p;
        p.county = static_cast<uint32_t>(ci);
        p.index = static_cast<uint32_t>(i);
        p.seed = rng.Next();
        const ChannelMix& m = mix[rng.Weighted(channel_weights)];
        p.channel = m.channel;
        const int hour = static_cast<int>(rng.Weighted(std::vector<double>(std::begin(m.hours), std::end(m.hours))));
        p.at = midnight + hour * 3600 + rng.Int(0, 3599);
        if (p.at <= end) out.push_back(p);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Planned& a, const Planned& b) {
    return std::tie(a.at, a.county, a.index) < std::tie(b.at, b.county, b.index);
  });
  return out;
}

std::string Thousands(size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Writes the catalogue in one transaction; answers it.
Result<Catalogue> WriteCatalogue(store::Store& store, const HistoryOptions& options, HistoryReport& report) {
  auto divisions = store.LoadDivisions();
  if (!divisions) return divisions.error();
  auto catalogue = LoadCatalogue(options.catalogue_dir, *divisions);
  if (!catalogue) return catalogue.error();
  auto existing = store.LoadReference();
  if (!existing) return existing.error();
  const bool has_national = std::any_of(existing->calendars.begin(), existing->calendars.end(),
                                        [](const Calendar& c) { return c.id == app::kDefaultCalendar; });
  auto r = store.Write([&](store::CaseTx& tx) -> Result<void> {
    if (!has_national)
      if (auto w = tx.PutCalendar(NationalCalendar()); !w) return w;
    for (const Category& c : catalogue->categories)
      if (auto w = tx.PutCategory(c); !w) return w;
    for (Unit u : catalogue->units)
      if (auto w = tx.PutUnit(u); !w) return w;
    for (RoutingRule rule : catalogue->rules)
      if (auto w = tx.PutRoutingRule(rule); !w) return w;
    return {};
  });
  if (!r) return r.error();
  report.categories = catalogue->categories.size();
  report.units = catalogue->units.size();
  report.rules = catalogue->rules.size();
  return catalogue;
}

}  // namespace

Timestamp SystemClockNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<HistoryReport> BuildDemoHistory(store::Store& store, const HistoryOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& s) {
    if (options.progress) options.progress(s);
  };
  if (options.days < 0) return Error::InvalidArgument("days must be 0 or more", "days");
  if (options.scale < 0 || options.other_scale < 0) return Error::InvalidArgument("scale must be 0 or more", "scale");
  if (options.days > 0 && !options.end && !options.now)
    return Error::InvalidArgument("the history needs an end time or a clock", "end");
  HistoryReport report;
  if (options.days > 0) {
    auto cases = store.CountCases();
    if (!cases) return cases.error();
    if (*cases > 0)
      return Error::InvalidArgument(
          "the database already holds " + std::to_string(*cases) + " cases; the demo history needs an empty case table",
          "db");
  }
  auto catalogue = WriteCatalogue(store, options, report);
  if (!catalogue) return catalogue.error();
  say("catalogue: " + std::to_string(report.categories) + " categories, " + Thousands(report.units) + " units, " +
      Thousands(report.rules) + " routing rules");
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  if (options.days == 0) {
    report.seconds = elapsed();
    return report;
  }

  // The territory: grids with their communities, streets and counties.
  auto divisions = store.LoadDivisions();
  if (!divisions) return divisions.error();
  auto grids = store.LoadGrids();
  if (!grids) return grids.error();
  if (grids->empty()) return Error::InvalidArgument("the database holds no grids; build the territory first", "db");
  std::unordered_map<std::string, Division> by_code;
  for (Division& d : *divisions) by_code.emplace(d.code, std::move(d));
  const auto index = geo::GridIndex::Build(std::move(*grids));
  std::vector<County> counties;
  std::map<std::string, size_t> county_of;
  for (const geo::Grid& g : index->grids()) {
    auto community = by_code.find(g.community);
    auto street = by_code.find(g.community.substr(0, 9));
    auto county = by_code.find(g.community.substr(0, 6));
    if (community == by_code.end() || street == by_code.end() || county == by_code.end()) continue;
    auto [it, fresh] = county_of.emplace(county->first, counties.size());
    if (fresh) counties.push_back({&county->second, {}, 0});
    GridRef ref;
    ref.grid = &g;
    geo::bg::envelope(g.shape, ref.box);
    ref.community = &community->second;
    ref.street = &street->second;
    const std::string& name = community->second.name;
    ref.rural = (name.size() >= 3 && name.compare(name.size() - 3, 3, "村") == 0) ||
                StreetKindOf(street->first) == StreetKind::kTown ||
                StreetKindOf(street->first) == StreetKind::kTownship;
    counties[it->second].grids.push_back(ref);
  }
  SetRates(counties, options.scale, options.other_scale);

  auto reference = store.LoadReference();
  if (!reference) return reference.error();
  const app::ReferenceSnapshot ref(std::move(*reference));
  const Calendar& cal = ref.CalendarOf("");
  const Timestamp end = options.end ? options.end : options.now();
  const Day last = cal.LocalDay(end), first = last - options.days + 1;
  report.end = end;
  report.start = int64_t{first} * 86400 - int64_t{cal.utc_offset_minutes} * 60;
  const std::vector<Planned> plan = Plan(counties, cal, first, last, end, options.seed);
  say("history: " + std::to_string(options.days) + " days from " + FormatDay(first) + " to " +
      FormatTimestamp(end, cal.utc_offset_minutes) + ", " + Thousands(plan.size()) + " cases in " +
      std::to_string(counties.size()) + " counties");

  World world(ref, *catalogue, end);
  Reporter reporter(world, counties, *index);
  const size_t chunk = std::max<size_t>(1, options.chunk);
  std::vector<Simulated> buffers[2];
  std::future<Result<void>> pending;
  size_t pending_cases = 0;
  auto wait = [&]() -> Result<void> {
    if (!pending.valid()) return {};
    auto r = pending.get();
    if (!r) return r;
    say("cases: " + Thousands(pending_cases) + "/" + Thousands(plan.size()));
    return {};
  };
  for (size_t begin = 0, k = 0; begin < plan.size(); begin += chunk, ++k) {
    const size_t stop = std::min(plan.size(), begin + chunk);
    std::vector<Simulated>& batch = buffers[k % 2];
    batch.clear();
    for (size_t i = begin; i < stop; ++i) {
      const Intake in = reporter.Make(plan[i], static_cast<int64_t>(i + 1));
      auto s = Lifecycle(world, in).Run();
      if (!s) {
        (void)wait();
        return s.error();
      }
      report.events += s->events.size();
      ++report.by_status[static_cast<size_t>(s->c.status)];
      batch.push_back(std::move(*s));
    }
    if (auto r = wait(); !r) return r.error();
    pending_cases = stop;
    pending = std::async(std::launch::async, [&store, &batch, begin]() -> Result<void> {
      return store.Write([&](store::CaseTx& tx) -> Result<void> {
        for (size_t i = 0; i < batch.size(); ++i) {
          auto id = tx.ImportCase(batch[i].c, batch[i].events);
          if (!id) return id.error();
          if (*id != static_cast<int64_t>(begin + i + 1))
            return Error::Internal("demo history: case got id " + std::to_string(*id) + ", expected " +
                                   std::to_string(begin + i + 1));
        }
        return {};
      });
    });
  }
  if (auto r = wait(); !r) return r.error();
  report.cases = plan.size();
  report.seconds = elapsed();
  return report;
}

}  // namespace civicgrid::demo
