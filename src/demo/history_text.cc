#include "demo/history_text.h"

#include <cstdio>
#include <string_view>

namespace civicgrid::demo::history {

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

namespace {

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


}  // namespace

std::string Place(Rng& rng, const std::string& community, bool rural) {
  if (rural) return community + rng.Pick(kDirections);
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

std::string Describe(Rng& rng, const Kind& kind, Channel channel, const std::string& place,
                     const std::string& community) {
  std::string text = rng.Pick(kind.texts);
  const std::string road = community + "附近" + rng.Pick(kRoads);
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

std::string Name(Rng& rng) {
  const std::string surname = rng.Pick(kSurnames);
  return surname + (rng.Chance(0.55) ? "先生" : "女士");
}
std::string Phone(Rng& rng) {
  char tail[8];
  std::snprintf(tail, sizeof tail, "%04d", rng.Int(0, 9999));
  return std::string(rng.Pick(kPhonePrefixes)) + "****" + tail;
}

std::string TrackingCode(Rng& rng) {
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

}  // namespace civicgrid::demo::history
