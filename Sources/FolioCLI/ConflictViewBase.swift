import FolioModel
import FolioReplica

// Stand-in until the replica's ConflictView carries the common base (branch textmerge).
extension ConflictView {
  var base: Change? { nil }
}
