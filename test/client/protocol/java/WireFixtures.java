import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.ClientCnxn;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.MultiOperationRecord;
import org.apache.zookeeper.MultiResponse;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetEphemeralsResponse;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.WhoAmIResponse;

/**
 * ZooKeeper frames as ZooKeeper's own Java classes write them, for
 * test/client/protocol/wire-fixtures.test.ts: {@code java WireFixtures} prints one JSON object,
 * {@code {"<case>": "<hex of the whole frame>"}}, the frame being its int32 length then what
 * follows, serialised with {@link BinaryOutputArchive}:
 * <ul>
 *   <li>{@code request.*}: as {@code ClientCnxn.Packet.createBB} writes a request: RequestHeader
 *       then the request record (a ConnectRequest has no header, and the readOnly flag after it);
 *   <li>{@code response.*}: as the server's {@code ServerCnxn.sendResponse} writes an answer:
 *       ReplyHeader then the response record (a ConnectResponse as
 *       {@code ZooKeeperServer.finishSessionInit} writes it: no header, readOnly after it).
 * </ul>
 * Every value is fixed, and the test holds the same ones. A request's xid is the one our client
 * gives it: the test sends the requests in the order of {@link #requests} on one session (xids
 * counting from 1), so the frames compare byte for byte, xid included. Response xids are
 * {@link #RESPONSE_XID}; the test's fake server puts the answered request's xid in their place.
 */
public final class WireFixtures {
  static final long SESSION_ID = 0x1234_5678_9abc_def0L;
  /** A session id with its top bit set (the native client prints it unsigned). */
  static final long NEGATIVE_SESSION_ID = -0x1234_5678_9abc_def0L;
  static final long LAST_ZXID = 0x1_0000_0005L;
  /** The zxid of most answers: below LAST_ZXID, which the first create's answer carries. */
  static final long ZXID = 0x1_0000_0004L;
  static final int TIMEOUT = 30_000;
  /** The session timeout of the session the test lets go quiet until it pings. */
  static final int PING_TIMEOUT = 1_500;
  static final int RESPONSE_XID = 0x0102_0304;
  static final byte[] PASSWD = new byte[16];

  static {
    for (int i = 0; i < PASSWD.length; i++) PASSWD[i] = (byte) (0xa0 + i);
  }

  static final Stat STAT = new Stat(
      0x1_0000_0001L, 0x1_0000_0002L, 1_700_000_000_000L, 1_700_000_000_123L, 2, 3, 4, 0L, 5, 6,
      0x1_0000_0003L);
  /** An ephemeral node's stat, its owner a negative session id. */
  static final Stat EPHEMERAL_STAT = new Stat(
      0x2_0000_0001L, 0x2_0000_0002L, 1_700_000_001_000L, 1_700_000_002_000L, 7, 0, 1,
      NEGATIVE_SESSION_ID, 11, 0, 0x2_0000_0001L);

  static final List<ACL> OPEN = Ids.OPEN_ACL_UNSAFE;
  /** ZkAcls.creatorAllWorldRead(): the authenticated creator ALL, anyone READ. */
  static final List<ACL> AUTH_READ = concat(Ids.CREATOR_ALL_ACL, Ids.READ_ACL_UNSAFE);

  /** A path beyond ASCII: two- and three-byte UTF-8. */
  static final String UNICODE_PATH = "/wire/\u00fcn\u00efc\u00f8d\u00e9-\u65e5\u672c";
  /** A digest id with a character beyond the BMP (a surrogate pair in Java and JavaScript). */
  static final String SUPPLEMENTARY_ID = "sm\ud83d\ude00le:hash";

  private final Map<String, String> cases = new LinkedHashMap<>();

  public static void main(String[] args) throws IOException {
    WireFixtures fixtures = new WireFixtures();
    fixtures.requests();
    fixtures.responses();
    System.out.print(fixtures.json());
  }

  /** In the order the test sends them (its xids count up in this order). */
  void requests() throws IOException {
    // Session 1: a new session, then every request with its own xid.
    connect("request.connect.new", new ConnectRequest(0, 0, TIMEOUT, 0, new byte[16]), false);
    int xid = 0;
    request("request.create2.open.persistent", ++xid, OpCode.create2,
        new CreateRequest("/wire/node", utf8("hello"), OPEN, CreateMode.PERSISTENT.toFlag()));
    request("request.create2.authRead.persistent", ++xid, OpCode.create2,
        new CreateRequest("/wire/secured", utf8("hello"), AUTH_READ,
            CreateMode.PERSISTENT.toFlag()));
    request("request.create2.open.ephemeralSequential", ++xid, OpCode.create2,
        new CreateRequest("/wire/member-", utf8("{\"port\":8080}"), OPEN,
            CreateMode.EPHEMERAL_SEQUENTIAL.toFlag()));
    request("request.create2.authRead.ephemeralSequential", ++xid, OpCode.create2,
        new CreateRequest("/wire/member-", utf8("{\"port\":8080}"), AUTH_READ,
            CreateMode.EPHEMERAL_SEQUENTIAL.toFlag()));
    request("request.createContainer.open", ++xid, OpCode.createContainer,
        new CreateRequest("/wire/container", new byte[0], OPEN, CreateMode.CONTAINER.toFlag()));
    request("request.createContainer.authRead", ++xid, OpCode.createContainer,
        new CreateRequest("/wire/container", new byte[0], AUTH_READ,
            CreateMode.CONTAINER.toFlag()));
    request("request.createTTL.open.persistent", ++xid, OpCode.createTTL,
        new CreateTTLRequest("/wire/ttl", utf8("ttl"), OPEN,
            CreateMode.PERSISTENT_WITH_TTL.toFlag(), 60_000));
    request("request.createTTL.authRead.persistentSequential", ++xid, OpCode.createTTL,
        new CreateTTLRequest("/wire/ttl-", utf8("ttl"), AUTH_READ,
            CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL.toFlag(), 60_000));
    request("request.create2.unicode", ++xid, OpCode.create2,
        new CreateRequest(UNICODE_PATH, utf8("d\u00e9j\u00e0 vu \ud83d\ude00"), OPEN,
            CreateMode.PERSISTENT.toFlag()));
    request("request.delete", ++xid, OpCode.delete, new DeleteRequest("/wire/node", 3));
    // Answered with a stat: arms a data watch on /wire/node.
    request("request.exists.watch", ++xid, OpCode.exists, new ExistsRequest("/wire/node", true));
    // Answered NONODE: arms an exist watch on /wire/missing.
    request("request.exists.watch.missing", ++xid, OpCode.exists,
        new ExistsRequest("/wire/missing", true));
    request("request.exists.noWatch", ++xid, OpCode.exists, new ExistsRequest("/wire/node", false));
    request("request.getData.watch", ++xid, OpCode.getData, new GetDataRequest("/wire/data", true));
    request("request.getData.noWatch", ++xid, OpCode.getData,
        new GetDataRequest("/wire/node", false));
    request("request.setData", ++xid, OpCode.setData,
        new SetDataRequest("/wire/node", utf8("world"), 2));
    request("request.getChildren2.watch", ++xid, OpCode.getChildren2,
        new GetChildren2Request("/wire", true));
    request("request.getChildren2.noWatch", ++xid, OpCode.getChildren2,
        new GetChildren2Request("/wire/data", false));
    request("request.getACL", ++xid, OpCode.getACL, new GetACLRequest("/wire/secured"));
    request("request.setACL", ++xid, OpCode.setACL,
        new SetACLRequest("/wire/secured", AUTH_READ, 4));
    // BinaryOutputArchive.writeString encodes each UTF-16 char on its own (its javadoc says so):
    // a surrogate pair becomes two 3-byte sequences (CESU-8), which the server's
    // BinaryInputArchive.readString (UTF-8) reads as two U+FFFD. Our client writes real UTF-8,
    // which the server reads back intact: this case is written that way, and checked to read
    // back as sent with ZooKeeper's own SetACLRequest.deserialize. (Paths cannot hold such
    // characters: the server's PathUtils.validatePath refuses surrogates.)
    Frame supplementary = new Frame(new Utf8OutputArchive());
    new RequestHeader(++xid, OpCode.setACL).serialize(supplementary.archive, "header");
    SetACLRequest setAcl = new SetACLRequest("/wire/secured",
        List.of(new ACL(Perms.ALL, new Id("digest", SUPPLEMENTARY_ID))), -1);
    setAcl.serialize(supplementary.archive, "request");
    byte[] frame = supplementary.bytes();
    SetACLRequest read = new SetACLRequest();
    read.deserialize(BinaryInputArchive.getArchive(
        new DataInputStream(new ByteArrayInputStream(frame, 12, frame.length - 12))), "request");
    if (!read.equals(setAcl)) throw new IllegalStateException("The server reads " + read);
    put("request.setACL.supplementaryId", frame);
    request("request.auth", ClientCnxn.AUTHPACKET_XID, OpCode.auth,
        new AuthPacket(0, "digest", utf8("user:pass")));
    request("request.addWatch.persistent", ++xid, OpCode.addWatch,
        new AddWatchRequest("/wire/persistent", AddWatchMode.PERSISTENT.getMode()));
    request("request.addWatch.persistentRecursive", ++xid, OpCode.addWatch,
        new AddWatchRequest("/wire/recursive", AddWatchMode.PERSISTENT_RECURSIVE.getMode()));
    request("request.removeWatches.children", ++xid, OpCode.removeWatches,
        new RemoveWatchesRequest("/wire/removed", WatcherType.Children.getIntValue()));
    request("request.removeWatches.data", ++xid, OpCode.removeWatches,
        new RemoveWatchesRequest("/wire/removed", WatcherType.Data.getIntValue()));
    request("request.removeWatches.any", ++xid, OpCode.removeWatches,
        new RemoveWatchesRequest("/wire/removed", WatcherType.Any.getIntValue()));
    // WatcherType.Persistent (4) and PersistentRecursive (5) came with ZooKeeper 3.9; Debian's
    // 3.8 jar has Children, Data and Any only, so their numbers are written out here.
    request("request.removeWatches.persistent", ++xid, OpCode.removeWatches,
        new RemoveWatchesRequest("/wire/removed", 4));
    request("request.removeWatches.persistentRecursive", ++xid, OpCode.removeWatches,
        new RemoveWatchesRequest("/wire/removed", 5));
    request("request.getEphemerals", ++xid, OpCode.getEphemerals,
        new GetEphemeralsRequest("/wire"));
    request("request.whoAmI", ++xid, OpCode.whoAmI, null);
    request("request.multi", ++xid, OpCode.multi, multi(
        Op.check("/wire/node", 1),
        Op.create("/wire/multi", utf8("m"), OPEN, CreateMode.PERSISTENT),
        Op.setData("/wire/node", utf8("multi"), 2),
        Op.delete("/wire/old", -1)));
    request("request.multi.failing", ++xid, OpCode.multi, multi(
        Op.create("/wire/ttl-multi", utf8("t"), AUTH_READ, CreateMode.PERSISTENT_WITH_TTL, 60_000),
        Op.setData("/wire/missing", utf8("x"), -1),
        Op.check("/wire/node", 7)));

    // The server drops the connection; the session is resumed with the last zxid seen, its
    // credentials and (relative to that zxid) the watches armed above.
    connect("request.connect.resumed",
        new ConnectRequest(0, LAST_ZXID, TIMEOUT, SESSION_ID, PASSWD), false);
    // request.auth again, then:
    request("request.setWatches2", ClientCnxn.SET_WATCHES_XID, OpCode.setWatches2,
        new SetWatches2(LAST_ZXID, List.of("/wire/node", "/wire/data"), List.of("/wire/missing"),
            List.of("/wire"), List.of("/wire/persistent"), List.of("/wire/recursive")));
    request("request.closeSession", ++xid, OpCode.closeSession, null);

    // Another session, read-only allowed, granted a negative session id (create2.open.persistent
    // is its xid 1, answered at LAST_ZXID), then resumed.
    connect("request.connect.new.readOnly", new ConnectRequest(0, 0, TIMEOUT, 0, new byte[16]),
        true);
    connect("request.connect.resumed.negativeId.readOnly",
        new ConnectRequest(0, LAST_ZXID, TIMEOUT, NEGATIVE_SESSION_ID, PASSWD), true);

    // A session with a short timeout, left quiet until it pings.
    connect("request.connect.new.pingSession",
        new ConnectRequest(0, 0, PING_TIMEOUT, 0, new byte[16]), false);
    request("request.ping", ClientCnxn.PING_XID, OpCode.ping, null);
  }

  void responses() throws IOException {
    connected("response.connect", new ConnectResponse(0, TIMEOUT, SESSION_ID, PASSWD), false);
    connected("response.connect.negativeId.readOnly",
        new ConnectResponse(0, TIMEOUT, NEGATIVE_SESSION_ID, PASSWD), true);
    connected("response.connect.pingSession",
        new ConnectResponse(0, PING_TIMEOUT, SESSION_ID, PASSWD), false);
    // A session the server no longer knows: timeout 0, id 0, a zero password.
    connected("response.connect.expired", new ConnectResponse(0, 0, 0, new byte[16]), false);
    response("response.ok", ok(ZXID), null);
    // How the server answers a failed request: the code in the header, no body.
    response("response.error.noNode", new ReplyHeader(RESPONSE_XID, ZXID, Code.NONODE.intValue()),
        null);
    response("response.create2", ok(LAST_ZXID),
        new Create2Response("/wire/member-0000000007", EPHEMERAL_STAT));
    response("response.create2.unicode", ok(ZXID), new Create2Response(UNICODE_PATH, STAT));
    response("response.exists", ok(ZXID), new ExistsResponse(STAT));
    response("response.getData", ok(ZXID), new GetDataResponse(utf8("hello"), STAT));
    response("response.getData.empty", ok(ZXID), new GetDataResponse(new byte[0], STAT));
    response("response.setData", ok(ZXID), new SetDataResponse(STAT));
    response("response.getChildren2", ok(ZXID),
        new GetChildren2Response(List.of("a", "b", "member-0000000007"), STAT));
    response("response.getChildren2.none", ok(ZXID), new GetChildren2Response(List.of(), STAT));
    response("response.getACL", ok(ZXID), new GetACLResponse(AUTH_READ, EPHEMERAL_STAT));
    response("response.setACL", ok(ZXID), new SetACLResponse(STAT));
    response("response.getEphemerals", ok(ZXID),
        new GetEphemeralsResponse(List.of("/wire/member-0000000007", "/wire/other")));
    response("response.whoAmI", ok(ZXID), new WhoAmIResponse(List.of(
        new ClientInfo("digest", "user"), new ClientInfo("ip", "127.0.0.1"))));
    // A successful multi: each result after its MultiHeader. CreateResult with a stat is a
    // create2's, without one a plain create's (what a 3.8 server answers to a create2 in a multi:
    // MultiOperationRecord reads it back as Op.create).
    MultiResponse success = new MultiResponse();
    success.add(new OpResult.CheckResult());
    success.add(new OpResult.CreateResult("/wire/multi", STAT));
    success.add(new OpResult.CreateResult("/wire/multi-plain"));
    success.add(new OpResult.SetDataResult(EPHEMERAL_STAT));
    success.add(new OpResult.DeleteResult());
    response("response.multi.success", ok(ZXID), success);
    // A failed multi: the header says OK, every result is an ErrorResult (the ones before the
    // failed operation 0, the failed one its code, the ones after RUNTIMEINCONSISTENCY).
    MultiResponse failure = new MultiResponse();
    failure.add(new OpResult.ErrorResult(Code.OK.intValue()));
    failure.add(new OpResult.ErrorResult(Code.NONODE.intValue()));
    failure.add(new OpResult.ErrorResult(Code.RUNTIMEINCONSISTENCY.intValue()));
    response("response.multi.failure", ok(ZXID), failure);
    // Notifications, as the server's ServerCnxn.process writes a WatchedEvent.
    for (EventType type : EventType.values()) {
      response("response.notification." + type.name(),
          new ReplyHeader(ClientCnxn.NOTIFICATION_XID, -1L, 0),
          new WatchedEvent(type, KeeperState.SyncConnected, "/wire/event").getWrapper());
    }
    response("response.auth", new ReplyHeader(ClientCnxn.AUTHPACKET_XID, 0, 0), null);
    response("response.auth.failed",
        new ReplyHeader(ClientCnxn.AUTHPACKET_XID, 0, Code.AUTHFAILED.intValue()), null);
    response("response.ping", new ReplyHeader(ClientCnxn.PING_XID, ZXID, 0), null);
  }

  /** A ConnectRequest as ClientCnxn sends it: length, the record, then readOnly. */
  private void connect(String name, ConnectRequest request, boolean readOnly) throws IOException {
    Frame frame = new Frame();
    request.serialize(frame.archive, "connect");
    frame.archive.writeBool(readOnly, "readOnly");
    put(name, frame.bytes());
  }

  /** A request as ClientCnxn sends it: length, RequestHeader, then the record (if any). */
  private void request(String name, int xid, int opCode, Record body) throws IOException {
    Frame frame = new Frame();
    new RequestHeader(xid, opCode).serialize(frame.archive, "header");
    if (body != null) body.serialize(frame.archive, "request");
    put(name, frame.bytes());
  }

  /** A ConnectResponse as the server sends it: length, the record, then readOnly. */
  private void connected(String name, ConnectResponse response, boolean readOnly)
      throws IOException {
    Frame frame = new Frame();
    response.serialize(frame.archive, "connect");
    frame.archive.writeBool(readOnly, "readOnly");
    put(name, frame.bytes());
  }

  /** An answer as the server sends it: length, ReplyHeader, then the record (if any). */
  private void response(String name, ReplyHeader header, Record body) throws IOException {
    Frame frame = new Frame();
    header.serialize(frame.archive, "header");
    if (body != null) body.serialize(frame.archive, "response");
    put(name, frame.bytes());
  }

  private static ReplyHeader ok(long zxid) {
    return new ReplyHeader(RESPONSE_XID, zxid, Code.OK.intValue());
  }

  /**
   * A multi as our client sends it: MultiOperationRecord's layout (a MultiHeader before each
   * operation's request record, a done header last), except that a create goes as create2 (the
   * operation the Java client's plain {@code create} uses) where the Java client's Op.create says
   * create; a container create goes as createContainer and a TTL create as createTTL, as in Java.
   * The bytes are then read back with MultiOperationRecord, the way the server reads a multi, and
   * must give the same operations.
   */
  private static Record multi(Op... ops) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryOutputArchive archive = BinaryOutputArchive.getArchive(bytes);
    for (Op op : ops) {
      int type = op.getType() == OpCode.create ? OpCode.create2 : op.getType();
      new MultiHeader(type, false, -1).serialize(archive, "multi");
      op.toRequestRecord().serialize(archive, "multi");
    }
    new MultiHeader(-1, true, -1).serialize(archive, "multi");
    byte[] body = bytes.toByteArray();

    MultiOperationRecord read = new MultiOperationRecord();
    read.deserialize(
        BinaryInputArchive.getArchive(new DataInputStream(new ByteArrayInputStream(body))),
        "multi");
    if (!read.equals(new MultiOperationRecord(List.of(ops)))) {
      throw new IllegalStateException("MultiOperationRecord reads the multi back differently");
    }
    return new Raw(body);
  }

  /** BinaryOutputArchive writing strings as UTF-8 (see request.setACL.supplementaryId). */
  private static final class Utf8OutputArchive extends BinaryOutputArchive {
    final ByteArrayOutputStream out;

    Utf8OutputArchive() {
      this(new ByteArrayOutputStream());
    }

    private Utf8OutputArchive(ByteArrayOutputStream out) {
      super(new DataOutputStream(out));
      this.out = out;
    }

    @Override
    public void writeString(String value, String tag) throws IOException {
      writeBuffer(value == null ? null : utf8(value), tag);
    }
  }

  /** Bytes already serialised, as a record. */
  private record Raw(byte[] bytes) implements Record {
    @Override
    public void serialize(org.apache.jute.OutputArchive archive, String tag) throws IOException {
      for (byte b : bytes) archive.writeByte(b, tag);
    }

    @Override
    public void deserialize(org.apache.jute.InputArchive archive, String tag) {
      throw new UnsupportedOperationException();
    }
  }

  /** A frame being written: a length placeholder first, filled in last (as ClientCnxn does). */
  private static final class Frame {
    final ByteArrayOutputStream out;
    final BinaryOutputArchive archive;

    Frame() throws IOException {
      this(new ByteArrayOutputStream());
    }

    Frame(ByteArrayOutputStream out) throws IOException {
      this(out, BinaryOutputArchive.getArchive(out));
    }

    Frame(Utf8OutputArchive archive) throws IOException {
      this(archive.out, archive);
    }

    private Frame(ByteArrayOutputStream out, BinaryOutputArchive archive) throws IOException {
      this.out = out;
      this.archive = archive;
      archive.writeInt(-1, "len");
    }

    byte[] bytes() {
      ByteBuffer frame = ByteBuffer.wrap(out.toByteArray());
      frame.putInt(0, frame.capacity() - 4);
      return frame.array();
    }
  }

  private void put(String name, byte[] frame) {
    if (cases.put(name, hex(frame)) != null) throw new IllegalStateException("Two cases " + name);
  }

  private String json() {
    StringBuilder out = new StringBuilder("{\n");
    int left = cases.size();
    for (Map.Entry<String, String> entry : cases.entrySet()) {
      out.append("  \"").append(entry.getKey()).append("\": \"").append(entry.getValue())
          .append(--left > 0 ? "\",\n" : "\"\n");
    }
    return out.append("}\n").toString();
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) out.append(Character.forDigit((b >> 4) & 0xf, 16))
        .append(Character.forDigit(b & 0xf, 16));
    return out.toString();
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static List<ACL> concat(List<ACL> first, List<ACL> second) {
    List<ACL> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
