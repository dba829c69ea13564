// Portuguese sentences for the API's problem codes (error.go). People never
// see the server's English detail: an unknown code falls back to a generic
// sentence.

const sentences = {
  invalid_request: "Não foi possível enviar: confira os dados e tente de novo.",
  invalid_json: "Não foi possível enviar: confira os dados e tente de novo.",
  invalid_case_id: "Este atendimento não foi encontrado.",
  empty_message: "Escreva uma mensagem antes de enviar.",
  message_too_long: "A mensagem ficou longa demais. Divida-a em partes menores.",
  body_too_large: "O conteúdo enviado é grande demais. Divida-o em partes menores.",
  invalid_event: "Não foi possível registrar esta ação.",
  invalid_contact: "Confira os dados de contato: informe um e-mail válido ou um telefone com DDD.",
  unauthorized: "Sua sessão não é válida. Recarregue a página para começar de novo.",
  token_expired: "Sua sessão expirou. Recarregue a página para continuar.",
  forbidden: "Você não tem permissão para fazer isto.",
  not_found: "Este atendimento não foi encontrado. Ele pode ter sido apagado.",
  not_interviewing: "A conversa já foi encerrada e está em análise.",
  conflict: "Houve uma alteração ao mesmo tempo. Tente de novo.",
  not_ready: "O resultado ainda não está pronto. Aguarde um instante.",
  rate_limited: "Muitas tentativas em pouco tempo. Aguarde um pouco e tente de novo.",
  too_many_streams: "Há abas demais abertas com este atendimento. Feche algumas e recarregue.",
  unavailable: "O serviço está indisponível no momento. Tente de novo em instantes.",
  internal: "Ocorreu um erro inesperado. Tente de novo em instantes.",
};

const fallback = "Ocorreu um erro inesperado. Tente de novo em instantes.";
const offline = "Sem conexão com o servidor. Verifique a sua internet e tente de novo.";

// errorSentence is the Portuguese sentence for an error thrown by api.js (or
// any other error: a failed fetch means no connection).
export function errorSentence(err) {
  if (err && err.code && sentences[err.code]) return sentences[err.code];
  if (err && err.name === "TypeError") return offline;
  return fallback;
}

export const knownCodes = Object.keys(sentences);
