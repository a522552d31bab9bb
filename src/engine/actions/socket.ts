/**
 * The socket actions: udgram, closeudgr, ustream, closeustr, udpsock,
 * closeudp, tcpsock and closetcp (ACTIONS). The string (default %s) is
 * sent as it is. Using a socket needs --allow-net (a Unix socket path or
 * a host:port peer).
 *
 * @module
 */
import { type ActionHandlers, param } from "./frame.ts";
import { type ActionRuntime, permitted } from "./deps.ts";

/** The action types of the socket actions. */
export type SocketActionType =
  | "udgram"
  | "closeudgr"
  | "ustream"
  | "closeustr"
  | "udpsock"
  | "closeudp"
  | "tcpsock"
  | "closetcp";

/** The socket actions (each checks --allow-net for its target). */
export function socketActions(rt: ActionRuntime): Pick<ActionHandlers, SocketActionType> {
  const s = rt.sockets;

  return {
    udgram: (f, a) => {
      const path = param(f, a.file);
      const text = param(f, a.text, f.list.desc);
      if (!permitted(f, rt.permissions, "net", "udgram: Unix socket", path)) return;
      f.engine.logger.log(6, `Sending event '${text}' to unix datagram socket '${path}'`);
      s.udgram(path, text);
    },
    closeudgr: (f, a) => {
      const path = param(f, a.file);
      f.engine.logger.log(6, `Closing unix datagram socket '${path}'`);
      s.closeUdgram(path);
    },
    ustream: (f, a) => {
      const path = param(f, a.file);
      const text = param(f, a.text, f.list.desc);
      if (!permitted(f, rt.permissions, "net", "ustream: Unix socket", path)) return;
      f.engine.logger.log(6, `Sending event '${text}' to unix stream socket '${path}'`);
      s.ustream(path, text);
    },
    closeustr: (f, a) => {
      const path = param(f, a.file);
      f.engine.logger.log(6, `Closing unix stream socket '${path}'`);
      s.closeUstream(path);
    },
    udpsock: (f, a) => {
      const peer = param(f, a.peer);
      const text = param(f, a.text, f.list.desc);
      if (!permitted(f, rt.permissions, "net", "udpsock: peer", peer)) return;
      f.engine.logger.log(6, `Sending event '${text}' to UDP peer '${peer}'`);
      s.udp(peer, text);
    },
    closeudp: (f, a) => {
      const peer = param(f, a.peer);
      f.engine.logger.log(6, `Closing socket for UDP peer '${peer}'`);
      s.closeUdp(peer);
    },
    tcpsock: (f, a) => {
      const peer = param(f, a.peer);
      const text = param(f, a.text, f.list.desc);
      if (!permitted(f, rt.permissions, "net", "tcpsock: peer", peer)) return;
      f.engine.logger.log(6, `Sending event '${text}' to TCP peer '${peer}'`);
      s.tcp(peer, text);
    },
    closetcp: (f, a) => {
      const peer = param(f, a.peer);
      f.engine.logger.log(6, `Closing socket for TCP peer '${peer}'`);
      s.closeTcp(peer);
    },
  };
}
