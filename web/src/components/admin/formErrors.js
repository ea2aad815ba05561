// Errors of a dialog form: the server's message shown at the field it names, anything else as one
// line above the form (describeError). Nothing is saved when an error is shown.
import { reactive, ref } from 'vue'
import { describeError } from '../../api.js'
import { fieldError } from './adminkit.js'

export function useFormErrors(fields, t) {
  const byField = reactive({})
  const general = ref('')

  function clear() {
    for (const key of Object.keys(byField)) delete byField[key]
    general.value = ''
  }

  // Shows err; answers true when it went to a field.
  function show(err) {
    clear()
    const f = fieldError(err, fields)
    if (f) {
      byField[f.field] = f.message || describeError(err, t)
      return true
    }
    general.value = describeError(err, t)
    return false
  }

  function setField(field, message) {
    byField[field] = message
  }

  return { byField, general, clear, show, setField }
}
