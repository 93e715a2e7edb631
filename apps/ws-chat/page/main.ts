/** The chat page: a DEALER sends [nick, text], a SUB shows "chat" lines and "stats". */
import { Dealer, Subscriber } from "@zmq/web";

const log = document.getElementById("log")!;
const stats = document.getElementById("stats")!;
const form = document.getElementById("form") as HTMLFormElement;
const nickInput = document.getElementById("nick") as HTMLInputElement;
const textInput = document.getElementById("text") as HTMLInputElement;
nickInput.value = `guest${Math.floor(Math.random() * 1000)}`;
const decoder = new TextDecoder();

const dealer = new Dealer();
dealer.connect(log.dataset.router!);
const feed = new Subscriber();
feed.subscribe("chat");
feed.subscribe("stats");
feed.connect(log.dataset.feed!);

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = textInput.value.trim();
  if (text === "") return;
  void dealer.send([nickInput.value || "guest", text]);
  textInput.value = "";
});

for await (const [topic, body] of feed) {
  const data = JSON.parse(decoder.decode(body));
  if (decoder.decode(topic) === "stats") {
    stats.textContent = `${data.people} people, ${data.lines} lines, up ${data.uptime} s`;
    continue;
  }
  const line = document.createElement("p");
  const nick = document.createElement("span");
  nick.className = data.nick === nickInput.value ? "nick me" : "nick";
  nick.textContent = `${data.nick}: `;
  line.append(nick, data.text);
  log.append(line);
  log.scrollTop = log.scrollHeight;
}
