// The leader's SM2 key lives in this browser only (issue 17): made here, kept in localStorage or a file the leader
// holds, and used here to sign what the server hands over. The server receives public keys and signatures, never
// the private key. SM2 over SM3 with the default user id, signatures DER-encoded, public keys 04 || X || Y, as the
// letters service verifies them (shared/Pingan.Signing). sm-crypto (MIT) does the arithmetic.
window.pinganSigning = (function () {
  var prefix = "pingan.sm2.";
  function load(leaderId) {
    var text = localStorage.getItem(prefix + leaderId);
    return text ? JSON.parse(text) : null;
  }
  function bytesOf(base64) {
    var binary = atob(base64), bytes = new Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  function base64OfHex(hex) {
    var binary = "";
    for (var i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
    return btoa(binary);
  }
  function valid(key) {
    return key && /^04[0-9a-f]{128}$/i.test(key.publicKey) && /^[0-9a-f]{64}$/i.test(key.privateKey) && typeof key.leaderId === "string";
  }
  return {
    // The public key of the leader's key on this device, or null.
    publicKey: function (leaderId) { var k = load(leaderId); return k ? k.publicKey : null; },
    // A new key pair for the leader, kept here; answers its public key.
    create: function (leaderId) {
      var pair = sm2.generateKeyPairHex();
      localStorage.setItem(prefix + leaderId, JSON.stringify({
        leaderId: leaderId, publicKey: pair.publicKey, privateKey: pair.privateKey, createdAt: new Date().toISOString()
      }));
      return pair.publicKey;
    },
    // The SM2 signature (DER, base64) of the bytes given (base64) by the leader's key on this device.
    sign: function (leaderId, base64Data) {
      var key = load(leaderId);
      if (!key) throw new Error("no key for this leader on this device");
      var signature = sm2.doSignature(bytesOf(base64Data), key.privateKey, { der: true, hash: true, publicKey: key.publicKey });
      return base64OfHex(signature);
    },
    // The key as a file for the leader to keep (another device, a reinstalled browser).
    exportKey: function (leaderId) {
      var key = load(leaderId);
      if (!key) return false;
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(key)], { type: "application/json" }));
      link.download = "pingan-sm2-" + leaderId + ".json";
      link.click();
      URL.revokeObjectURL(link.href);
      return true;
    },
    // A key file taken back into this browser; answers its leader, or null when the file is not a key.
    importKey: function (text) {
      var key;
      try { key = JSON.parse(text); } catch (e) { return null; }
      if (!valid(key)) return null;
      localStorage.setItem(prefix + key.leaderId, JSON.stringify(key));
      return key.leaderId;
    }
  };
})();
